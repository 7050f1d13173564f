"""The team's figures equal a brute-force computation (exact rationals), and role groups never
show a group under three, nor leave a remainder that the team's figures would give away."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import scoring
from assessments.teams import aggregates
from assessments.teams.aggregates import OTHERS, QuestionAnswers

scores = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1))
values = st.integers(min_value=scoring.MIN_VALUE, max_value=scoring.MAX_VALUE)
ROLES = ["", "management", "sales", "delivery", "customer_service", "support"]
# No timed assertion: the brute force is slow on purpose, and the machine may be busy.
untimed = settings(deadline=None)


def exact_mean(xs):
    return sum(Fraction(x) for x in xs) / len(xs)


def exact_variance(xs):
    mean = exact_mean(xs)
    return sum((Fraction(x) - mean) ** 2 for x in xs) / len(xs)


@untimed
@given(st.lists(scores, min_size=1, max_size=60))
def test_spread_equals_brute_force(xs):
    figure = aggregates.spread(xs)
    assert figure.count == len(xs)
    assert figure.minimum == min(xs) and figure.maximum == max(xs)
    assert abs(figure.mean - float(exact_mean(xs))) <= 0.05 + 1e-9
    assert abs(figure.sd - math.sqrt(exact_variance(xs))) <= 0.05 + 1e-9
    assert figure.level == scoring.level_for_score(figure.mean)


@untimed
@given(st.lists(scores, max_size=10), st.integers(min_value=1, max_value=12))
def test_no_spread_under_the_threshold(xs, minimum):
    assert (aggregates.spread(xs, minimum) is None) == (len(xs) < minimum)


def test_the_threshold_never_goes_below_three():
    assert aggregates.min_respondents(0) == 3
    assert aggregates.min_respondents(2) == 3
    assert aggregates.min_respondents(7) == 7


questions = st.lists(
    st.tuples(st.lists(values, max_size=12), st.integers(0, 3), st.integers(0, 3)),
    min_size=1,
    max_size=15,
).map(
    lambda items: [
        QuestionAnswers(code=f"q{i}", order=i, values=tuple(v), dont_know=dk, not_applicable=na)
        for i, (v, dk, na) in enumerate(items)
    ]
)


@untimed
@given(questions)
def test_disagreement_ranking_equals_brute_force(items):
    ranking = aggregates.disagreement_ranking(items)
    # Every question with an answer on the scale, each exactly once.
    assert sorted(d.code for d in ranking) == sorted(q.code for q in items if q.values)
    by_code = {q.code: q for q in items}
    for d in ranking:
        question = by_code[d.code]
        assert d.variance == exact_variance(question.values)
        assert d.counts == tuple(question.values.count(v) for v in range(1, 6))
        assert (d.low, d.high) == (min(question.values), max(question.values))
        assert (d.dont_know, d.not_applicable) == (question.dont_know, question.not_applicable)
    # Brute force: no pair out of order (variance, then range, then the questionnaire's order).
    for first, second in combinations(ranking, 2):
        key = lambda d: (-exact_variance(by_code[d.code].values), -d.range, d.order)  # noqa: E731
        assert key(first) < key(second)


@untimed
@given(questions)
def test_the_agenda_takes_the_widest_first(items):
    ranking = aggregates.disagreement_ranking(items)
    agenda = aggregates.workshop_agenda(ranking)
    wide = [d for d in ranking if d.range >= aggregates.AGENDA_WIDE_RANGE]
    differing = [d for d in ranking if d.range > 0]
    assert len(agenda) <= aggregates.AGENDA_MAX
    assert len(agenda) >= min(aggregates.AGENDA_MIN, len(differing))
    assert all(d.range > 0 for d in agenda)
    assert [d for d in agenda if d.range >= 2] == wide[: aggregates.AGENDA_MAX]
    assert list(agenda) == sorted(agenda, key=ranking.index)


def test_agenda_on_a_constructed_team():
    items = [
        QuestionAnswers("calm", 1, (3, 3, 3, 3)),
        QuestionAnswers("split", 2, (1, 1, 5, 5)),
        QuestionAnswers("slight", 3, (3, 4, 3, 4)),
        QuestionAnswers("wide", 4, (2, 4, 2, 4)),
    ]
    ranking = aggregates.disagreement_ranking(items)
    assert [d.code for d in ranking] == ["split", "wide", "slight", "calm"]
    assert [d.code for d in aggregates.workshop_agenda(ranking)] == ["split", "wide", "slight"]
    assert ranking[0].sd == 2.0 and ranking[0].count_of(5) == 2


@untimed
@given(st.lists(st.sampled_from(ROLES), min_size=3, max_size=40))
def test_role_groups_hide_no_small_group_and_no_remainder(roles):
    groups = aggregates.role_groups(roles)
    if groups is None:
        return
    sizes = {}
    for role in roles:
        sizes[groups[role]] = sizes.get(groups[role], 0) + 1
    assert len(sizes) >= 2
    assert all(size >= aggregates.MIN_ROLE_GROUP for size in sizes.values())
    # Every member is in a shown group: nothing can be worked out from the team's own figures.
    assert sum(sizes.values()) == len(roles)
    # A role shown on its own is a real role with at least three members; "" never is.
    assert all(group in (OTHERS, role) for role, group in groups.items())
    assert "" not in sizes


@untimed
@given(st.lists(st.sampled_from(ROLES), min_size=3, max_size=40))
def test_role_groups_show_every_role_that_may_be_shown(roles):
    groups = aggregates.role_groups(roles)
    big = {r for r in set(roles) if r and roles.count(r) >= 3}
    small = len(roles) - sum(roles.count(r) for r in big)
    if len(big) >= 2 and (small == 0 or small >= 3):
        assert {r for r in big if groups[r] == r} == big


def test_role_groups_of_a_constructed_team():
    # Three in sales, one manager: the manager could be worked out, so nothing is compared.
    assert aggregates.role_groups(["sales"] * 3 + ["management"]) is None
    # Three in sales, three managers, one without a role: the smallest role joins the others.
    groups = aggregates.role_groups(["sales"] * 4 + ["management"] * 3 + [""])
    assert groups == {"sales": "sales", "management": OTHERS, "": OTHERS}
    assert aggregates.role_groups(["sales"] * 3 + ["delivery"] * 3) == {
        "sales": "sales",
        "delivery": "delivery",
    }


@untimed
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ROLES),
            st.fixed_dictionaries({"a": st.none() | scores, "b": st.none() | scores}),
        ),
        min_size=3,
        max_size=30,
    )
)
def test_role_means_equal_brute_force(members):
    groups = aggregates.role_comparison(["a", "b"], members)
    mapping = aggregates.role_groups([role for role, _ in members])
    if mapping is None:
        assert groups == ()
        return
    assert sum(g.members for g in groups) == len(members)
    for group in groups:
        assert group.members >= 3
        in_group = [s for role, s in members if mapping[role] == group.role]
        for index, code in enumerate(["a", "b"]):
            column = [
                [s[code] for role, s in members if mapping[role] == g.role and s[code] is not None]
                for g in groups
            ]
            if all(len(c) >= 3 for c in column):
                known = [s[code] for s in in_group if s[code] is not None]
                assert abs(group.means[index] - float(exact_mean(known))) <= 0.05 + 1e-9
            else:
                assert group.means[index] is None


@pytest.mark.parametrize("minimum", [3, 5])
def test_area_figures_leave_out_missing_scores(minimum):
    members = [{"a": 10.0, "b": None}, {"a": 20.0, "b": 50.0}, {"a": 60.0, "b": 70.0}]
    a, b = aggregates.area_figures(["a", "b"], members, minimum)
    if minimum == 3:
        assert (a.spread.mean, a.spread.count) == (30.0, 3)
    else:
        assert a.spread is None
    assert b.spread is None
