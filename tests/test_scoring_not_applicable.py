"""The "not applicable" answer in the pure scoring rules (docs/scoring.md, "Not applicable")."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assessments import result_format
from assessments.scoring import (
    MAX_NOT_APPLICABLE_SHARE_FOR_LEVEL,
    NOT_APPLICABLE,
    AreaSpec,
    QuestionSpec,
    level_for_score,
    score_area,
    score_assessment,
)

from .test_scoring import answers_for, area, area_score

NA = NOT_APPLICABLE
Answer = int | None | str


@st.composite
def questionnaires_with_not_applicable(
    draw: st.DrawFn,
) -> tuple[list[AreaSpec], dict[str, Answer]]:
    """1-4 areas of 1-10 questions, weights 1-3; each answer 1-5, don't know, not applicable
    or missing."""
    specs: list[AreaSpec] = []
    answers: dict[str, Answer] = {}
    for a in range(draw(st.integers(1, 4))):
        questions = []
        for i in range(draw(st.integers(1, 10))):
            code = f"a{a}q{i}"
            questions.append(QuestionSpec(code, draw(st.integers(1, 3)), {"en": code}))
            value = draw(st.one_of(st.integers(1, 5), st.none(), st.just(NA), st.just("missing")))
            if value != "missing":
                answers[code] = value
        specs.append(AreaSpec(f"a{a}", tuple(questions)))
    return specs, answers


def test_not_applicable_is_left_out_of_score_and_coverage() -> None:
    result = area_score([5, 3, NA, NA])  # type: ignore[list-item]
    assert result.score == 75.0
    # Both applicable questions answered: full coverage, no knowledge gap.
    assert result.coverage == 1.0
    assert (result.answered, result.dont_know, result.not_applicable) == (2, 0, 2)
    assert result.level == 4


def test_not_applicable_is_not_a_dont_know() -> None:
    dont_know = area_score([5, 3, None, None])
    assert dont_know.dont_know == 2
    assert dont_know.not_applicable == 0
    assert dont_know.coverage == 0.5


def test_more_than_half_not_applicable_withholds_the_level() -> None:
    result = area_score([5, NA, NA, NA])  # type: ignore[list-item]
    assert result.score == 100.0
    assert result.coverage == 1.0
    assert result.level is None
    assert result.mostly_not_applicable


def test_exactly_half_not_applicable_still_gets_a_level() -> None:
    result = area_score([5, 5, NA, NA])  # type: ignore[list-item]
    assert not result.mostly_not_applicable
    assert result.level == 5


def test_an_area_where_nothing_applies_has_no_score_and_no_level() -> None:
    result = area_score([NA, NA])  # type: ignore[list-item]
    assert (result.score, result.level, result.coverage) == (None, None, 0.0)
    assert result.mostly_not_applicable


def test_the_overall_level_needs_every_area_to_have_a_level() -> None:
    a, b = area("a", [1, 1, 1]), area("b", [1])
    answers = {**answers_for(a, [NA, NA, 5]), **answers_for(b, [5])}
    result = score_assessment([a, b], answers)  # type: ignore[arg-type]
    assert result.area("a").level is None
    assert result.overall_level is None


def test_not_applicable_never_becomes_a_strength_or_priority() -> None:
    spec = area("a", [3, 1])
    result = score_assessment([spec], answers_for(spec, [NA, 1]))  # type: ignore[arg-type]
    assert [f.question for f in result.priorities] == ["a2"]
    assert result.strengths == ()


def test_any_other_text_is_refused() -> None:
    spec = area("a", [1])
    with pytest.raises(ValueError):
        score_area(spec, {"a1": "n/a"})  # type: ignore[dict-item]


def test_results_stored_before_not_applicable_load_with_none() -> None:
    data = result_format.dump(score_assessment([area("a", [1])], {"a1": 3}))
    del data["areas"]["a"]["not_applicable"]
    assert result_format.load(data).area("a").not_applicable == 0


@given(questionnaires_with_not_applicable())
def test_counts_add_up_and_levels_follow_the_rules(
    case: tuple[list[AreaSpec], dict[str, Answer]],
) -> None:
    specs, answers = case
    result = score_assessment(specs, answers)  # type: ignore[arg-type]
    for spec, area_result in zip(specs, result.areas, strict=True):
        not_applicable = sum(1 for q in spec.questions if answers.get(q.code) == NA)
        assert area_result.not_applicable == not_applicable
        assert (
            area_result.answered + area_result.dont_know + area_result.not_applicable
            == area_result.questions
        )
        assert 0.0 <= area_result.coverage <= 1.0
        if not_applicable > MAX_NOT_APPLICABLE_SHARE_FOR_LEVEL * len(spec.questions):
            assert area_result.level is None
        if area_result.level is not None:
            assert area_result.score is not None
            assert area_result.level == level_for_score(area_result.score)
    for finding in (*result.strengths, *result.priorities):
        assert answers[finding.question] != NA
    assert result_format.load(json.loads(json.dumps(result_format.dump(result)))) == result


@given(questionnaires_with_not_applicable(), st.data())
def test_not_applicable_scores_like_leaving_the_question_out(
    case: tuple[list[AreaSpec], dict[str, Answer]], data: st.DataObject
) -> None:
    """An area's score is that of the same area without its not-applicable questions."""
    specs, answers = case
    spec = data.draw(st.sampled_from(specs))
    kept = tuple(q for q in spec.questions if answers.get(q.code) != NA)
    assume(kept)
    own = {q.code: answers[q.code] for q in spec.questions if q.code in answers}
    full = score_area(spec, own)  # type: ignore[arg-type]
    reduced = score_area(
        AreaSpec(spec.code, kept),
        {code: v for code, v in own.items() if v != NA},  # type: ignore[arg-type]
    )
    assert full.score == reduced.score
    assert full.coverage == reduced.coverage
    if not full.mostly_not_applicable:
        assert full.level == reduced.level
    else:
        assert full.level is None
