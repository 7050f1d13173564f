"""The measurement error of a change from the version's own responses: with 30 complete responses
the results page uses MDC95 = 1.96 · √2 · SD · √(1 − α) of the stored SD and alpha, which equal
SD and alpha computed by brute force over the answers; a change inside it reads "no clear
change", a larger one is clear."""

import math
import random
import re
import statistics as pystatistics

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from assessments import statistics
from assessments.benchmarks import figures, selectors, services
from assessments.benchmarks.models import OVERALL, SeriesMember
from assessments.models import Assessment
from tests.factories import answered_assessment

pytestmark = pytest.mark.django_db


def expected_errors(version):
    """Area code (OVERALL too) → MDC95 by brute force over the completed results' answers."""
    results = list(Assessment.objects.completed().prefetch_related("answers__question"))
    areas = list(version.areas.order_by("order").prefetch_related("questions"))
    questions = {area.code: [q.code for q in area.questions.order_by("order")] for area in areas}
    questions[OVERALL] = [code for area in areas for code in questions[area.code]]
    errors = {}
    for code, codes in questions.items():
        scores, rows = [], []
        for result in results:
            stored = result.stored_result
            scores.append(stored.overall_score if code == OVERALL else stored.area(code).score)
            answers = {a.question.code: a.option.value for a in result.answers.all()}
            rows.append([answers[question] for question in codes])
        sd = pystatistics.stdev(scores)
        alpha = statistics.cronbach_alpha(rows)
        errors[code] = 1.96 * math.sqrt(2) * sd * math.sqrt(1 - alpha)
    return errors


@pytest.fixture
def thirty(questionnaire):
    """Thirty complete results of varied levels: the version's own error is used from now on."""
    rng = random.Random(7)
    for _ in range(figures.MDC_MIN_RESPONSES):
        level = rng.choice([1, 2, 3, 4, 5])
        answered_assessment(
            questionnaire, lambda q, level=level: min(5, max(1, level + rng.choice([-1, 0, 1])))
        )
    return questionnaire


def test_the_stored_sd_and_alpha_give_the_brute_force_mdc(thirty):
    expected = expected_errors(thirty)
    errors = selectors.measurement_errors([thirty.pk])
    assert set(errors) == {(thirty.pk, code) for code in expected}
    for code, mdc in expected.items():
        error = errors[(thirty.pk, code)]
        assert not error.assumed
        assert error.responses == figures.MDC_MIN_RESPONSES
        assert error.mdc == pytest.approx(mdc, abs=1e-9)
        # Far below the conservative fallback of about 30 points with a consistent test.
        assert error.mdc < figures.mdc95(figures.FALLBACK_SD, figures.FALLBACK_ALPHA)


def test_the_page_tells_a_change_inside_the_error_from_a_clear_one(thirty):
    first_area, second_area, third_area = thirty.areas.order_by("order")[:3]
    bumped = third_area.questions.order_by("order").first()

    def later(question):
        """+25 points in the first area, none in the second, one answer up in the third."""
        return 4 if question.area_id == first_area.pk or question.pk == bumped.pk else 3

    first = answered_assessment(thirty, lambda q: 3)
    started = services.retake_start(assessment=first, language="en")
    second = answered_assessment(thirty, later)
    SeriesMember.objects.filter(assessment=started).update(assessment=second)
    started.delete()
    errors = selectors.measurement_errors([thirty.pk])
    html = Client().get(f"/en/results/{second.token}/").content.decode()
    section = html[html.index('class="progress-since') :]
    section = section[: section.index("</section>")]
    assert "a cautious, larger error is assumed" not in section
    rows = re.findall(r'<li class="progress-row">(.*?)</li>', section, re.S)
    with translation.override("en"):
        codes = {name: code for code, name in selectors.area_names(thirty).items()}
        codes[str(gettext("Overall"))] = OVERALL
    verdicts = {}
    for row in rows:
        code = codes[re.search(r"<h3[^>]*>([^<]+)</h3>", row).group(1)]
        mdc = errors[(thirty.pk, code)].mdc
        assert f"measurement error ±{mdc:.1f}" in row
        difference = round(score(second, code) - score(first, code), 1)
        if abs(difference) > mdc:
            assert f"+{difference:.1f}: a clear improvement" in row and "↑" in row
            verdicts[code] = "clear"
        else:
            assert ": no clear change" in row and "↑" not in row and "↓" not in row
            verdicts[code] = "none"
    assert set(verdicts) == set(expected_errors(thirty))
    # The first area's +25 is larger than its error; the third's one step is not.
    assert verdicts[first_area.code] == "clear"
    assert verdicts[second_area.code] == "none"
    assert verdicts[third_area.code] == "none"
    assert "±0.0: no clear change" in section


def score(assessment, code):
    result = assessment.stored_result
    return result.overall_score if code == OVERALL else result.area(code).score
