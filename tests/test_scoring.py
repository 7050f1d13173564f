"""Tests of the pure scoring rules (assessments/scoring.py); no Django, no database."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assessments.scoring import (
    LEVEL_BANDS,
    LEVELS,
    MAX_PRIORITIES,
    MAX_STRENGTHS,
    MIN_COVERAGE_FOR_LEVEL,
    PRIORITY_MAX_VALUE,
    STRENGTH_MIN_VALUE,
    AreaResult,
    AreaSpec,
    AssessmentResult,
    Finding,
    QuestionSpec,
    level_for_score,
    overall_level,
    score_area,
    score_assessment,
)

# --- builders ---------------------------------------------------------------------------


def question(code: str, weight: int = 1, tip: dict[str, str] | None = None) -> QuestionSpec:
    return QuestionSpec(code, weight, {"en": f"Improve {code}"} if tip is None else tip)


def area(code: str, weights: Sequence[int]) -> AreaSpec:
    """An area whose questions are coded <area>1, <area>2, ... with the given weights."""
    return AreaSpec(code, tuple(question(f"{code}{i}", w) for i, w in enumerate(weights, 1)))


def answers_for(spec: AreaSpec, values: Sequence[int | None]) -> dict[str, int | None]:
    return {q.code: v for q, v in zip(spec.questions, values, strict=True)}


def area_score(values: Sequence[int | None], weights: Sequence[int] | None = None) -> AreaResult:
    spec = area("a", weights or [1] * len(values))
    return score_area(spec, answers_for(spec, values))


def assessment(*areas: tuple[Sequence[int], Sequence[int | None]]) -> AssessmentResult:
    """Areas given as (weights, values); area codes are a, b, c, ..."""
    specs = [area(chr(ord("a") + i), weights) for i, (weights, _) in enumerate(areas)]
    answers: dict[str, int | None] = {}
    for spec, (_, values) in zip(specs, areas, strict=True):
        answers.update(answers_for(spec, values))
    return score_assessment(specs, answers)


# Area answers that give a known area score, for overall tests.
SCORE_100 = ([1], [5])
SCORE_50 = ([1], [3])
SCORE_0 = ([1], [1])
SCORE_10 = ([1] * 10, [5, 1, 1, 1, 1, 1, 1, 1, 1, 1])  # (100 + 9 * 0) / 10
SCORE_31_3 = ([1, 3], [3, 2])  # (1 * 50 + 3 * 25) / 4 = 31.25
SCORE_33_3 = ([1, 1, 1], [2, 2, 3])  # 100 / 3


# --- level bands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, 1),
        (19.9, 1),
        (20.0, 2),
        (39.9, 2),
        (40.0, 3),
        (59.9, 3),
        (60.0, 4),
        (79.9, 4),
        (80.0, 5),
        (100.0, 5),
        (100, 5),
        (0, 1),
    ],
)
def test_level_band_edges(score: float, level: int) -> None:
    assert level_for_score(score) == level


def test_bands_are_one_constant() -> None:
    assert LEVELS == (1, 2, 3, 4, 5)
    assert [edge for edge, _ in LEVEL_BANDS] == [0.0, 20.0, 40.0, 60.0, 80.0]
    for edge, level in LEVEL_BANDS:
        assert level_for_score(edge) == level


@pytest.mark.parametrize("score", [-0.1, 100.1, -1, 101, math.nan, math.inf, True, "50", None])
def test_level_for_score_rejects_out_of_range(score: object) -> None:
    with pytest.raises(ValueError, match="score must be"):
        level_for_score(score)  # type: ignore[arg-type]


# --- area score -------------------------------------------------------------------------


def test_values_map_linearly_to_0_100() -> None:
    assert [area_score([v]).score for v in (1, 2, 3, 4, 5)] == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert area_score([1, 2, 3, 4, 5]).score == 50.0


def test_weights_count_in_the_mean() -> None:
    # Unweighted this would be 50.0.
    assert area_score([5, 1], [3, 1]).score == 75.0
    assert area_score([5, 1], [1, 3]).score == 25.0


def test_default_weight_is_one() -> None:
    assert QuestionSpec("q").weight == 1
    assert QuestionSpec("q").tip == {}


@pytest.mark.parametrize(
    ("values", "weights", "expected"),
    [
        ([1, 2], [3, 1], 6.3),  # 25 / 4 = 6.25; banker's rounding gives 6.2
        ([3, 2], [1, 3], 31.3),  # 125 / 4 = 31.25; banker's rounding gives 31.2
        ([2, 2, 3], [1, 1, 1], 33.3),  # 33.33...
        ([3, 3, 5], [1, 1, 1], 66.7),  # 66.66...
    ],
)
def test_area_score_rounds_half_up_to_one_decimal(
    values: list[int], weights: list[int], expected: float
) -> None:
    assert area_score(values, weights).score == expected


def test_level_comes_from_the_rounded_score() -> None:
    # 83 steps over 104 equal questions: 25 * 83 / 104 = 19.95..., shown as 20.0.
    values = [5] * 20 + [2] * 3 + [1] * 81
    result = area_score(values)
    assert result.score == 20.0
    assert result.level == 2


def test_don_t_know_and_missing_are_left_out() -> None:
    spec = area("a", [1, 1, 1, 1])
    result = score_area(spec, {"a1": 5, "a2": None, "a3": 4})  # a4 missing
    assert result.score == 87.5
    assert (result.answered, result.dont_know, result.questions) == (2, 2, 4)


def test_coverage_is_answered_weight_over_total_weight() -> None:
    assert area_score([5, None, None], [2, 1, 1]).coverage == 0.5
    assert area_score([None, 5, None], [2, 1, 1]).coverage == 0.25
    assert area_score([3, 3, None], [1, 1, 1]).coverage == pytest.approx(2 / 3)
    assert area_score([3, 3, 3], [1, 2, 3]).coverage == 1.0


def test_coverage_exactly_half_gets_a_level() -> None:
    assert MIN_COVERAGE_FOR_LEVEL == 0.5
    assert area_score([5, 5, None, None]).level == 5
    assert area_score([5, None, None], [2, 1, 1]).level == 5
    assert area_score([5, None, None], [3, 1, 2]).level == 5


def test_coverage_under_half_gets_no_level_but_a_score() -> None:
    result = area_score([5, None, None], [1, 1, 1])
    assert result.score == 100.0
    assert result.level is None
    # 3 of 7 weight answered: just under half.
    assert area_score([5, None, None, None], [3, 2, 1, 1]).level is None
    assert area_score([None, 5, None], [2, 1, 1]).level is None


def test_area_without_answers_has_no_score() -> None:
    result = area_score([None, None])
    assert (result.score, result.level, result.coverage) == (None, None, 0.0)
    assert (result.answered, result.dont_know) == (0, 2)


# --- overall ----------------------------------------------------------------------------


def test_overall_score_is_the_mean_of_area_scores() -> None:
    result = assessment(SCORE_100, SCORE_50, SCORE_0)
    assert [a.score for a in result.areas] == [100.0, 50.0, 0.0]
    assert result.overall_score == 50.0


def test_overall_score_rounds_half_up_from_the_shown_area_scores() -> None:
    # (31.3 + 0) / 2 = 15.65 -> 15.7; the unrounded 31.25 would give 15.6, and so would
    # banker's rounding or the float 15.65 (which is really 15.6499...).
    result = assessment(SCORE_31_3, SCORE_0)
    assert result.area("a").score == 31.3
    assert result.overall_score == 15.7
    # (33.3 + 0) / 2 = 16.65 -> 16.7; the float 33.3 is really 33.2999..., so averaging
    # the floats themselves would give 16.6.
    assert assessment(SCORE_33_3, SCORE_0).overall_score == 16.7


def test_no_overall_score_when_an_area_has_none() -> None:
    result = assessment(SCORE_100, ([1, 1], [None, None]))
    assert result.overall_score is None
    assert result.overall_level is None


def test_overall_level_is_the_band_of_the_overall_score() -> None:
    assert assessment(SCORE_100, SCORE_50).overall_level == 4  # 75.0
    assert assessment(SCORE_50, SCORE_50).overall_level == 3


def test_weakest_area_caps_the_overall_level() -> None:
    result = assessment(SCORE_100, SCORE_100, SCORE_100, SCORE_10)
    assert result.overall_score == 77.5  # band 4
    assert [a.level for a in result.areas] == [5, 5, 5, 1]
    assert result.overall_level == 2


@pytest.mark.parametrize(
    ("score", "levels", "expected"),
    [
        (85.0, [5, 5, 4], 5),
        (85.0, [5, 3], 4),
        (85.0, [5, 1], 2),
        (50.0, [5, 5], 3),  # the band, under the cap
        (0.0, [1], 1),
        (None, [3, 3], None),
        (50.0, [3, None], None),
    ],
)
def test_overall_level(score: float | None, levels: list[int | None], expected: int | None) -> None:
    assert overall_level(score, levels) == expected


@pytest.mark.parametrize("levels", [[], [0], [6], [True], [2.0]])
def test_overall_level_rejects_bad_levels(levels: list[int | None]) -> None:
    with pytest.raises(ValueError, match="level"):
        overall_level(50.0, levels)


def test_no_overall_level_when_an_area_has_no_level() -> None:
    result = assessment(SCORE_100, ([1, 1, 1], [5, None, None]))
    assert result.area("b").level is None
    assert result.overall_score == 100.0
    assert result.overall_level is None


# --- strengths and priorities -----------------------------------------------------------


def codes(findings: Sequence[Finding]) -> list[str]:
    return [f.question for f in findings]


def test_strengths_highest_values_then_weight_then_content_order() -> None:
    result = assessment(([1, 3, 3], [5, 4, 5]), ([1, 1, 2], [5, 3, None]))
    assert codes(result.strengths) == ["a3", "a1", "b1"]


def test_strengths_only_from_high_values_and_at_most_three() -> None:
    assert STRENGTH_MIN_VALUE == 4
    assert MAX_STRENGTHS == 3
    assert codes(assessment(([1] * 3, [3, 4, 3])).strengths) == ["a2"]
    assert codes(assessment(([1] * 5, [4, 4, 4, 4, 4])).strengths) == ["a1", "a2", "a3"]
    assert assessment(([1] * 3, [3, None, 1])).strengths == ()


def test_priorities_largest_weighted_gap_first() -> None:
    # Gaps (5 - value) * weight: a1 4, a2 9, a3 4, b2 6; b1 (value 4) is no priority.
    result = assessment(([1, 3, 2], [1, 2, 3]), ([2, 3], [4, 3]))
    assert codes(result.priorities) == ["a2", "b2", "a1"]


def test_priorities_ties_in_content_order() -> None:
    result = assessment(([1, 1], [4, 3]), ([1, 1, 1], [3, 3, 3]))
    assert codes(result.priorities) == ["a2", "b1", "b2"]


def test_priorities_only_from_low_values_and_at_most_three() -> None:
    assert PRIORITY_MAX_VALUE == 3
    assert MAX_PRIORITIES == 3
    assert codes(assessment(([1] * 3, [4, 3, 5])).priorities) == ["a2"]
    assert len(assessment(([1] * 5, [1, 1, 1, 1, 1])).priorities) == 3
    assert assessment(([1] * 3, [4, None, 5])).priorities == ()


def test_findings_carry_area_value_weight_and_tip() -> None:
    tip = {"en": "Map the journey", "nl": "Breng de klantreis in kaart"}
    spec = AreaSpec("journey", (QuestionSpec("j1", 2, tip), QuestionSpec("j2", 1, {"en": "x"})))
    result = score_assessment([spec], {"j1": 2, "j2": 5})
    assert result.priorities == (Finding("j1", "journey", 2, 2, tip),)
    assert result.strengths == (Finding("j2", "journey", 5, 1, {"en": "x"}),)


def test_tips_are_copied_not_shared() -> None:
    tip = {"en": "before"}
    spec = AreaSpec("a", (QuestionSpec("a1", 1, tip),))
    tip["en"] = "after"
    result = score_assessment([spec], {"a1": 1})
    assert result.priorities[0].tip == {"en": "before"}


# --- validation -------------------------------------------------------------------------


def test_unknown_question_code_is_rejected() -> None:
    spec = area("a", [1, 1])
    with pytest.raises(ValueError, match="unknown"):
        score_assessment([spec], {"a1": 3, "zz": 3})
    with pytest.raises(ValueError, match="unknown"):
        score_area(spec, {"a1": 3, "b1": 3})


@pytest.mark.parametrize("value", [0, 6, -1, True, False, 3.0, "3", [3]])
def test_bad_answer_value_is_rejected(value: object) -> None:
    with pytest.raises(ValueError, match="answer to 'a1'"):
        score_assessment([area("a", [1])], {"a1": value})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="answer to 'a1'"):
        score_area(area("a", [1]), {"a1": value})  # type: ignore[dict-item]


@pytest.mark.parametrize("weight", [0, 4, -1, True, 1.5, "2"])
def test_bad_weight_is_rejected(weight: object) -> None:
    with pytest.raises(ValueError, match="weight of question 'q'"):
        QuestionSpec("q", weight)  # type: ignore[arg-type]


def test_bad_content_is_rejected() -> None:
    with pytest.raises(ValueError, match="no questions"):
        AreaSpec("a", ())
    with pytest.raises(ValueError, match="twice"):
        AreaSpec("a", (question("q"), question("q")))
    with pytest.raises(ValueError, match="non-empty string"):
        QuestionSpec("")
    with pytest.raises(ValueError, match="more than one area"):
        score_assessment([AreaSpec("a", (question("q"),)), AreaSpec("b", (question("q"),))], {})
    with pytest.raises(ValueError, match="twice"):
        score_assessment([area("a", [1]), area("a", [1])], {})
    with pytest.raises(ValueError, match="at least one area"):
        score_assessment([], {})


def test_area_lookup() -> None:
    result = assessment(SCORE_50, SCORE_100)
    assert result.area("b").score == 100.0
    with pytest.raises(KeyError):
        result.area("zz")


# --- properties -------------------------------------------------------------------------

MISSING = object()


@st.composite
def questionnaires(draw: st.DrawFn) -> tuple[list[AreaSpec], dict[str, int | None]]:
    """1-4 areas of 1-10 questions, weights 1-3; each answer 1-5, don't know or missing."""
    specs: list[AreaSpec] = []
    answers: dict[str, int | None] = {}
    for a in range(draw(st.integers(1, 4))):
        questions = []
        for i in range(draw(st.integers(1, 10))):
            code = f"a{a}q{i}"
            questions.append(QuestionSpec(code, draw(st.integers(1, 3)), {"en": code}))
            value = draw(st.one_of(st.integers(1, 5), st.none(), st.just(MISSING)))
            if value is not MISSING:
                answers[code] = value  # type: ignore[assignment]
        specs.append(AreaSpec(f"a{a}", tuple(questions)))
    return specs, answers


def all_codes(specs: Sequence[AreaSpec]) -> list[str]:
    return [q.code for spec in specs for q in spec.questions]


@given(questionnaires())
def test_scores_stay_in_range_and_results_are_consistent(
    case: tuple[list[AreaSpec], dict[str, int | None]],
) -> None:
    specs, answers = case
    result = score_assessment(specs, answers)
    for spec, area_result in zip(specs, result.areas, strict=True):
        assert area_result == score_area(
            spec, {q.code: answers.get(q.code) for q in spec.questions}
        )
        assert 0.0 <= area_result.coverage <= 1.0
        assert area_result.answered + area_result.dont_know == area_result.questions
        if area_result.score is None:
            assert area_result.answered == 0
        else:
            assert 0.0 <= area_result.score <= 100.0
            assert area_result.score == round(area_result.score, 1)
        if area_result.level is not None:
            assert area_result.score is not None
            assert area_result.level == level_for_score(area_result.score)
    if result.overall_score is not None:
        assert 0.0 <= result.overall_score <= 100.0
    if result.overall_level is not None:
        weakest = min(a.level for a in result.areas if a.level is not None)
        assert result.overall_level <= weakest + 1
    assert len(result.strengths) <= MAX_STRENGTHS
    assert len(result.priorities) <= MAX_PRIORITIES


def assert_not_lower(before: int | float | None, after: int | float | None) -> None:
    # Raising an answer never changes coverage, so having a score or level never changes.
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert after >= before


@given(questionnaires(), st.data())
def test_raising_one_answer_never_lowers_anything(
    case: tuple[list[AreaSpec], dict[str, int | None]], data: st.DataObject
) -> None:
    specs, answers = case
    raisable = sorted(code for code, value in answers.items() if value is not None and value < 5)
    assume(raisable)
    code = data.draw(st.sampled_from(raisable))
    value = answers[code]
    assert value is not None
    before = score_assessment(specs, answers)
    after = score_assessment(specs, {**answers, code: value + 1})
    for area_before, area_after in zip(before.areas, after.areas, strict=True):
        assert_not_lower(area_before.score, area_after.score)
        assert_not_lower(area_before.level, area_after.level)
    assert_not_lower(before.overall_score, after.overall_score)
    assert_not_lower(before.overall_level, after.overall_level)


@given(questionnaires())
def test_all_fives_is_level_5_and_score_100(
    case: tuple[list[AreaSpec], dict[str, int | None]],
) -> None:
    specs, _ = case
    result = score_assessment(specs, dict.fromkeys(all_codes(specs), 5))
    assert all(a.score == 100.0 and a.level == 5 for a in result.areas)
    assert (result.overall_score, result.overall_level) == (100.0, 5)
    assert result.priorities == ()


@given(questionnaires())
def test_all_ones_is_level_1_and_score_0(
    case: tuple[list[AreaSpec], dict[str, int | None]],
) -> None:
    specs, _ = case
    result = score_assessment(specs, dict.fromkeys(all_codes(specs), 1))
    assert all(a.score == 0.0 and a.level == 1 for a in result.areas)
    assert (result.overall_score, result.overall_level) == (0.0, 1)
    assert result.strengths == ()


@given(questionnaires(), st.booleans())
def test_all_dont_know_gives_no_levels(
    case: tuple[list[AreaSpec], dict[str, int | None]], explicit: bool
) -> None:
    specs, _ = case
    answers = dict.fromkeys(all_codes(specs)) if explicit else {}
    result = score_assessment(specs, answers)
    assert all(a.score is None and a.level is None and a.coverage == 0.0 for a in result.areas)
    assert (result.overall_score, result.overall_level) == (None, None)
    assert (result.strengths, result.priorities) == ((), ())
