"""The assessment list's filters take only the values they offer: anything else is the admin's
"?e=1" redirect, in the list and in its export alike, never a server error."""

import pytest
from django.urls import reverse

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

LIST = "admin:assessments_assessment_changelist"
EXPORT = "admin:assessments_assessment_export"

# str.isdigit() is true for all of these, and int() refuses the first ones; the last would overflow
# a database integer.
NOT_A_LEVEL = ["²", "٣", "１", "𝟐", "0x3", " 3", "-1", "9" * 30]


@pytest.mark.parametrize("value", NOT_A_LEVEL)
@pytest.mark.parametrize("parameter", ["overall_level", "level_promise"])
def test_a_level_that_is_not_offered_redirects_the_list(
    consultant_client, questionnaire, parameter, value
):
    answered_assessment(questionnaire)

    response = consultant_client.get(reverse(LIST), {parameter: value})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("value", NOT_A_LEVEL)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_level_that_is_not_offered_redirects_the_export(
    consultant_client, questionnaire, file_format, value
):
    answered_assessment(questionnaire)

    response = consultant_client.get(reverse(EXPORT, args=[file_format]), {"overall_level": value})

    assert response.status_code == 302
    assert response["Location"] == reverse(LIST) + "?e=1"


def test_an_offered_level_still_filters(consultant_client, questionnaire):
    answered_assessment(questionnaire, lambda q: 1, organisation="Matala Oy")
    high = answered_assessment(questionnaire, lambda q: 5, organisation="Korkea Oy")
    level = high.stored_result.overall_level

    listing = consultant_client.get(reverse(LIST), {"overall_level": str(level)})
    export = consultant_client.get(reverse(EXPORT, args=["csv"]), {"overall_level": str(level)})

    assert [a.organisation for a in listing.context["cl"].result_list] == ["Korkea Oy"]
    assert export.status_code == 200
    assert "Korkea Oy" in export.content.decode("utf-8-sig")
    assert "Matala Oy" not in export.content.decode("utf-8-sig")
