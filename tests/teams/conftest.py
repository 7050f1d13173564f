from .mirror_helpers import questionnaire_2026_2  # noqa: F401  (a fixture of the mirror's tests)
