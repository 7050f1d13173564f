import pytest

from assessments.content import load_questionnaire, read_fixture


@pytest.fixture(scope="session")
def questionnaire_data():
    return read_fixture()


@pytest.fixture
def questionnaire(db, questionnaire_data):
    """The real questionnaire from fixtures/questionnaire.yaml, published."""
    version, _ = load_questionnaire(questionnaire_data)
    return version
