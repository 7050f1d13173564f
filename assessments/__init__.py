"""The CX maturity test: one Django app, as rooms by who uses them over a shared core.

    respondent/  consultant/        the public test; the consultant's admin, dashboard, exports
          \\          /
           report/                  the stored result with its texts, the PDF and its cache
              |
    services, content, versioning,  writes (keyword-only, each checks its own preconditions)
    demo, translation
              |
          selectors                 reads shared by more than one caller
              |
            models                  the questionnaire's versioned content and the assessments
              |
        result_format               the one owner of the stored result's layout
              |
    scoring, statistics, codes,     pure rules and constants (no Django in the first three);
    roles, events, health,          permission names, signals, probes, the client address
    security

Arrows run downwards only; the contracts in pyproject.toml ([tool.importlinter]) enforce it.
See docs/architecture.md.
"""
