import pytest
from django.core.cache import cache

from assessments.content import load_questionnaire, read_fixture


@pytest.fixture(scope="session")
def questionnaire_data():
    return read_fixture()


@pytest.fixture
def questionnaire(db, questionnaire_data):
    """The real questionnaire from fixtures/questionnaire.yaml, published."""
    version, _ = load_questionnaire(questionnaire_data)
    return version


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached data must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()
