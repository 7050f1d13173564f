"""The customer mirror's figures equal a brute-force computation (exact rationals, rounded half
up), nothing is shown under five customers whatever the setting, blind spots and hidden strengths
follow the one named gap, and the figures are recomputed from the stored rows after a deletion."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import scoring, services
from assessments.teams import mirror, selectors
from assessments.teams.models import MirrorResponse

from .helpers import member, team_of
from .mirror_helpers import customer, mirrored_team

untimed = settings(deadline=None)
CODES = ("M01", "M02", "M03")
answer = st.one_of(st.none(), st.integers(scoring.MIN_VALUE, scoring.MAX_VALUE))
people = st.lists(st.fixed_dictionaries({code: answer for code in CODES}), max_size=25)


def half_up(value: Fraction) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def brute_group_score(group, codes, minimum):
    means = []
    for person in group:
        values = [person[c] for c in codes if person.get(c) is not None]
        if values:
            means.append(sum(Fraction(100 * (v - 1), 4) for v in values) / len(values))
    if len(means) < max(1, minimum):
        return None, len(means)
    return half_up(sum(means, Fraction(0)) / len(means)), len(means)


@untimed
@given(
    people, st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True), st.integers(1, 8)
)
def test_group_score_equals_brute_force(group, codes, minimum):
    expected, count = brute_group_score(group, codes, minimum)
    result = mirror.group_score(group, codes, minimum)
    assert (result.score, result.count) == (expected, count)
    if result.score is not None:
        assert scoring.MIN_SCORE <= result.score <= scoring.MAX_SCORE


@untimed
@given(
    st.one_of(st.none(), st.integers(0, 1000).map(lambda x: x / 10)),
    st.one_of(st.none(), st.integers(0, 1000).map(lambda x: x / 10)),
)
def test_gap_and_finding_equal_brute_force(inside, customers):
    difference = mirror.gap(inside, customers)
    if inside is None or customers is None:
        assert difference is None and mirror.finding(difference) is None
        return
    exact = Decimal(str(inside)) - Decimal(str(customers))
    assert Decimal(str(difference)) == exact
    expected = (
        mirror.BLIND_SPOT
        if exact >= Decimal(str(mirror.CLEAR_GAP))
        else mirror.HIDDEN_STRENGTH
        if exact <= -Decimal(str(mirror.CLEAR_GAP))
        else None
    )
    assert mirror.finding(difference) == expected


@untimed
@given(
    st.lists(st.integers(mirror.RECOMMEND_MIN, mirror.RECOMMEND_MAX), max_size=60),
    st.integers(1, 10),
)
def test_recommend_distribution_equals_brute_force(scores, minimum):
    result = mirror.recommend_distribution(scores, minimum)
    if len(scores) < minimum:
        assert result is None
        return
    assert result is not None
    assert result.counts == tuple(scores.count(v) for v in range(11))
    detractors = len([s for s in scores if s <= 6])
    promoters = len([s for s in scores if s >= 9])
    assert (result.detractors, result.promoters) == (detractors, promoters)
    assert result.passives == len(scores) - detractors - promoters
    exact = Fraction(100 * (promoters - detractors), len(scores))
    assert abs(result.net - exact) <= Fraction(1, 2)
    assert -100 <= result.net <= 100


def test_a_stray_stored_value_counts_as_dont_know():
    people = [{"M01": 7}, {"M01": "3"}, {"M01": True}, {"M01": 0}, {}, {"M01": 5}]
    assert mirror.group_score(people, ["M01"], 1) == mirror.Score(score=100.0, count=1)


def test_the_floor_is_five_and_a_setting_can_only_raise_it():
    assert mirror.min_customers(0) == 5
    assert mirror.min_customers(4) == 5
    assert mirror.min_customers(9) == 9


def test_an_answer_is_worth_its_step_on_the_test_scale():
    assert [mirror.value_points(v) for v in range(1, 6)] == [0, 25, 50, 75, 100]


@pytest.mark.django_db
def test_a_constructed_blind_spot_and_hidden_strength(questionnaire_2026_2):
    """Colleagues all answer 5 (100 points) on everything; customers answer 2 (25) on every
    mirror question: a blind spot of 75 points on each. With the colleagues at 1 (0 points) and
    customers at 4 (75), each question is a hidden strength instead."""
    team = mirrored_team([5, 5, 5], [2] * 5)
    comparison = selectors.mirror_comparison(team)
    assert comparison.shown and comparison.inside_shown
    assert len(comparison.blind_spots) == len(comparison.questions) == 11
    assert not comparison.hidden_strengths
    spot = comparison.blind_spots[0]
    assert (spot.inside.score, spot.customers.score, spot.gap) == (100.0, 25.0, 75.0)
    assert spot.recommendations == tuple(q.tip for q in spot.mirrored)
    assert {row.area.code: (row.inside, row.customers.score) for row in comparison.areas} == {
        "promise": (100.0, 25.0),
        "quality": (100.0, 25.0),
        "relationship": (100.0, 25.0),
    }

    strong = mirrored_team([1, 1, 1], [4] * 5)
    comparison = selectors.mirror_comparison(strong)
    assert not comparison.blind_spots
    assert [row.gap for row in comparison.hidden_strengths] == [-75.0] * 11


@pytest.mark.django_db
def test_a_gap_just_under_the_clear_gap_is_neither(questionnaire_2026_2):
    # Colleagues at 4 (75 points); customers 3,3,3,4,4 -> 60 on every question: gap 15, a blind
    # spot; one more customer at 4 -> 62.5: gap 12.5, neither.
    team = mirrored_team([4, 4, 4], [3, 3, 3, 4, 4])
    assert {r.gap for r in selectors.mirror_comparison(team).questions} == {15.0}
    assert len(selectors.mirror_comparison(team).blind_spots) == 11
    customer(team, 4)
    comparison = selectors.mirror_comparison(team)
    assert {r.gap for r in comparison.questions} == {12.5}
    assert not comparison.blind_spots and not comparison.hidden_strengths


@pytest.mark.django_db
def test_one_mirror_question_compares_only_the_questions_it_mirrors(questionnaire_2026_2):
    # Colleagues answer 5 on PR04 and PR05 (which M02 mirrors) and 1 elsewhere.
    team = team_of([])
    for _ in range(3):
        member(team, lambda q: 5 if q.code in {"PR04", "PR05"} else 1)
    for _ in range(5):
        customer(team, 3)
    rows = {r.question.code: r for r in selectors.mirror_comparison(team).questions}
    assert rows["M02"].inside.score == 100.0 and rows["M02"].finding == mirror.BLIND_SPOT
    assert rows["M01"].inside.score == 0.0 and rows["M01"].finding == mirror.HIDDEN_STRENGTH


@pytest.mark.django_db
def test_under_five_customers_only_the_count(questionnaire_2026_2, settings):
    settings.TEAM_MIRROR_MIN_RESPONSES = 1
    team = mirrored_team([5, 5, 5], [1, 1, 1, 1])
    MirrorResponse.objects.filter(team=team).update(comment="Hyvä palvelu", recommend=10)
    comparison = selectors.mirror_comparison(team)
    assert comparison.responses == 4 and comparison.threshold == 5 and not comparison.shown
    assert comparison.areas == comparison.questions == comparison.comments == ()
    assert comparison.recommend is None


@pytest.mark.django_db
def test_a_higher_setting_raises_the_mirror_threshold(questionnaire_2026_2, settings):
    settings.TEAM_MIRROR_MIN_RESPONSES = 7
    team = mirrored_team([5, 5, 5], [1] * 6)
    assert not selectors.mirror_comparison(team).shown
    customer(team, 1)
    assert selectors.mirror_comparison(team).shown


@pytest.mark.django_db
def test_the_team_side_keeps_the_team_threshold(questionnaire_2026_2):
    """Two colleagues: the customers' view is shown, the team's side and the gaps are not."""
    team = mirrored_team([5, 5], [1] * 5)
    comparison = selectors.mirror_comparison(team)
    assert comparison.shown and not comparison.inside_shown
    assert all(r.inside.score is None and r.gap is None for r in comparison.questions)
    assert all(r.inside is None and r.customers.score == 0.0 for r in comparison.areas)
    assert not comparison.blind_spots and not comparison.hidden_strengths


@pytest.mark.django_db
def test_a_question_answered_by_too_few_customers_shows_no_score(questionnaire_2026_2):
    team = mirrored_team([5, 5, 5], [None, None, 2, 2, 2, 2])
    comparison = selectors.mirror_comparison(team)
    assert comparison.shown  # six responses
    assert all(r.customers.score is None and r.customers.count == 4 for r in comparison.questions)
    assert all(r.dont_know == 2 for r in comparison.questions)
    assert not comparison.blind_spots


@pytest.mark.django_db
def test_deleting_responses_or_colleagues_recomputes(questionnaire_2026_2):
    team = mirrored_team([5, 5, 5, 5], [1] * 6)
    assert selectors.mirror_comparison(team).questions[0].customers.score == 0.0
    MirrorResponse.objects.filter(pk=MirrorResponse.objects.filter(team=team).first().pk).delete()
    customer(team, 5)
    assert selectors.mirror_comparison(team).questions[0].customers.score == pytest.approx(16.7)
    MirrorResponse.objects.filter(team=team).first().delete()
    MirrorResponse.objects.filter(team=team).first().delete()
    assert not selectors.mirror_comparison(team).shown
    assert selectors.mirror_comparison(team).responses == 4
    # A colleague deleting their own data takes them out of the team's side.
    team2 = mirrored_team([5, 5, 5], [1] * 5)
    assert selectors.mirror_comparison(team2).inside_shown
    services.assessment_erase(assessment=team2.members.first().assessment)
    assert not selectors.mirror_comparison(team2).inside_shown


@pytest.mark.django_db
def test_free_texts_only_from_five_answers_and_in_random_order(questionnaire_2026_2):
    team = mirrored_team([3, 3, 3], [])
    texts = [f"Kommentti {n}" for n in range(8)]
    for text in texts[:4]:
        customer(team, 3, comment=text)
    assert selectors.mirror_comparison(team).comments == ()
    for text in texts[4:]:
        customer(team, 3, comment=text)
    orders = {selectors.mirror_comparison(team).comments for _ in range(20)}
    assert all(sorted(order) == sorted(texts) for order in orders)
    assert len(orders) > 1  # 8! orders: twenty equal draws would be a broken shuffle


@pytest.mark.django_db
def test_the_mirror_texts_follow_the_language(questionnaire_2026_2):
    team = mirrored_team([3, 3, 3], [3] * 5)
    with translation.override("en"):
        assert selectors.mirror_comparison(team).questions[0].question.text.startswith("Have they")
    with translation.override("fi"):
        assert selectors.mirror_comparison(team).questions[0].question.text.startswith("Onko")


@pytest.mark.django_db
def test_a_team_on_a_version_without_a_mirror_has_none(questionnaire):
    team = team_of([3, 3, 3])
    comparison = selectors.mirror_comparison(team)
    assert not comparison.available and not comparison.shown
