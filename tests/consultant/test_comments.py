"""The consultant's comments: signed by whoever last changed them, previewed as the real PDF,
and flagged when written in another language than the report's."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from assessments import selectors
from assessments.consultant import comment_language
from assessments.consultant.admin.comments import PREVIEW_PDF
from assessments.models import AreaComment

from ..factories import answered_assessment
from .test_admin import change_url, follow_up_post

FINNISH = (
    "Palvelulupauksenne on selkeä, mutta sen toteutumista ei vielä mitata. Kannattaa aloittaa."
)
ENGLISH = "Your service promise is clear, but nobody measures yet whether it is kept at all."


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (FINNISH, "fi"),
        (ENGLISH, "en"),
        ("Teillä on hyvä pohja, ja asiakaspalautetta kerätään säännöllisesti.", "fi"),
        ("The team should meet the customers more often and write down what they hear.", "en"),
        ("OK", None),  # too short to tell
        ("Kone Oy, Nokia, Wärtsilä 2026", None),  # names and numbers
        ("Mittaristo: NPS, CSAT ja CES – the basics", None),  # mixed
    ],
)
def test_the_comment_language_heuristic(text, language):
    assert comment_language.guess_language(text) == language


def test_a_saved_comment_is_signed_and_a_changed_one_re_signed(
    consultant_client, consultant, superuser_client, superuser, questionnaire
):
    consultant.first_name, consultant.last_name = "Kaisa", "Konsultti"
    consultant.save()
    assessment = answered_assessment(questionnaire, language="fi")
    first, second = selectors.areas_with_questions(questionnaire)[:2]
    consultant_client.post(
        change_url(assessment),
        follow_up_post(consultant_client, assessment, **{f"comment_{first.code}": FINNISH}),
    )
    comment = AreaComment.objects.get(assessment=assessment, area=first)
    assert (comment.signed_by, comment.signer_name) == (consultant, "Kaisa Konsultti")

    # The boss adds a second comment: the first, unchanged, keeps its signature.
    superuser_client.post(
        change_url(assessment),
        follow_up_post(
            superuser_client,
            assessment,
            **{f"comment_{first.code}": FINNISH, f"comment_{second.code}": FINNISH},
        ),
    )
    signatures = dict(
        AreaComment.objects.filter(assessment=assessment).values_list("area_id", "signer_name")
    )
    assert signatures == {first.pk: "Kaisa Konsultti", second.pk: superuser.get_username()}


def test_save_and_preview_opens_the_real_pdf_in_the_browser(consultant_client, questionnaire):
    assessment = answered_assessment(questionnaire, organisation="Esikatselu Oy")
    area = selectors.areas_with_questions(questionnaire)[0]
    response = consultant_client.post(
        change_url(assessment),
        follow_up_post(
            consultant_client,
            assessment,
            **{f"comment_{area.code}": FINNISH, PREVIEW_PDF: "1"},
        ),
    )
    preview = reverse("assessments:consultant_report", kwargs={"pk": assessment.pk})
    assert response.status_code == 302
    assert response["Location"] == preview + "?preview=1"

    pdf = consultant_client.get(response["Location"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('inline; filename="cx-maturity-esikatselu-oy-')
    download = consultant_client.get(preview)
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(pdf.streaming_content) == b"".join(download.streaming_content)


def test_the_preview_button_shows_only_for_a_completed_test(consultant_client, questionnaire):
    done = answered_assessment(questionnaire)
    unfinished = answered_assessment(questionnaire, complete=False)
    assert PREVIEW_PDF in consultant_client.get(change_url(done)).content.decode()
    assert PREVIEW_PDF not in consultant_client.get(change_url(unfinished)).content.decode()


@pytest.fixture
def finnish_admin():
    with translation.override("fi"):
        yield


def test_a_comment_in_another_language_than_the_report_is_pointed_out(
    consultant_client, questionnaire, finnish_admin
):
    assessment = answered_assessment(questionnaire, language="fi")
    first, second = selectors.areas_with_questions(questionnaire)[:2]
    response = consultant_client.post(
        change_url(assessment),
        follow_up_post(
            consultant_client,
            assessment,
            **{f"comment_{first.code}": ENGLISH, f"comment_{second.code}": FINNISH},
        ),
        follow=True,
    )
    warning = translation.gettext(
        "This comment seems to be written in English, but the report is in Finnish."
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages.count(f"{first.name}: {warning}") == 1
    assert not any(second.name in message for message in messages)
    # The assessment's page keeps pointing it out beside that comment.
    page = consultant_client.get(change_url(assessment)).content.decode()
    assert page.count(warning) == 1
