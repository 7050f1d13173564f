"""Scoring of the customer-experience maturity assessment.

Pure functions over plain data: no Django, no database, no request. The same answers and
the same content always give the same result, so a stored result can be recomputed and
checked at any time. The method is described for consultants in docs/scoring.md; keep
the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Final, Literal, TypeAlias, TypeGuard

# The answer "not applicable": the practice asked about does not exist in this kind of
# organisation. Left out of the score like "don't know", but not a gap in knowledge. (The
# scoring module's own value; forms use codes.NOT_APPLICABLE.)
NOT_APPLICABLE: Final = "not_applicable"

# Question code -> value 1..5, None for "don't know", or NOT_APPLICABLE. A code that is absent
# counts as "don't know" too: a half-finished questionnaire can be scored the same way.
Answers: TypeAlias = Mapping[str, int | None | Literal["not_applicable"]]

MIN_VALUE = 1
MAX_VALUE = 5
MIN_WEIGHT = 1
MAX_WEIGHT = 3
DEFAULT_WEIGHT = 1
MIN_SCORE = 0.0
MAX_SCORE = 100.0

# The only definition of the band edges: (inclusive lower edge, level). A band runs up to
# the next edge, exclusive; the last one includes MAX_SCORE.
LEVEL_BANDS: tuple[tuple[float, int], ...] = (
    (0.0, 1),
    (20.0, 2),
    (40.0, 3),
    (60.0, 4),
    (80.0, 5),
)
LEVELS: tuple[int, ...] = tuple(level for _, level in LEVEL_BANDS)

# Below this share of the area's weight, a level would be a guess, so none is given.
MIN_COVERAGE_FOR_LEVEL = 0.5
# Above this share of an area's questions answered "not applicable", the area describes work
# the organisation does not do, so it gets no level (at exactly this share it still does).
MAX_NOT_APPLICABLE_SHARE_FOR_LEVEL = 0.5
MAX_STRENGTHS = 3
MAX_PRIORITIES = 3
STRENGTH_MIN_VALUE = 4
PRIORITY_MAX_VALUE = 3

_ONE_DECIMAL = Decimal("0.1")


def _is_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass, but True as an answer or a weight is a bug, not a 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_code(code: object, what: str) -> None:
    if not isinstance(code, str) or not code:
        raise ValueError(f"{what} code must be a non-empty string, got {code!r}")


def _check_tip(tip: object, owner: str) -> dict[str, str]:
    if not isinstance(tip, Mapping):
        raise ValueError(f"tip of {owner!r} must be a mapping of language code to text")
    # A private copy: editing the content later must not change a result already built.
    return dict(tip)


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    weight: int = DEFAULT_WEIGHT
    # Language code -> text. Opaque to scoring, only copied into findings. Left out of the
    # hash so that specs stay hashable despite holding a dict.
    tip: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        _check_code(self.code, "question")
        if not _is_int(self.weight) or not MIN_WEIGHT <= self.weight <= MAX_WEIGHT:
            raise ValueError(
                f"weight of question {self.code!r} must be an integer "
                f"{MIN_WEIGHT}..{MAX_WEIGHT}, got {self.weight!r}"
            )
        object.__setattr__(self, "tip", _check_tip(self.tip, self.code))


@dataclass(frozen=True)
class AreaSpec:
    code: str
    # In content order; the order of the areas then gives the global content order, which
    # breaks ties between strengths and between priorities.
    questions: tuple[QuestionSpec, ...]

    def __post_init__(self) -> None:
        _check_code(self.code, "area")
        # Accept any sequence from callers but keep the spec immutable and hashable.
        questions = tuple(self.questions)
        if not questions:
            # Coverage would be 0/0.
            raise ValueError(f"area {self.code!r} has no questions")
        seen: set[str] = set()
        for question in questions:
            if not isinstance(question, QuestionSpec):
                raise ValueError(f"area {self.code!r} holds a non-question {question!r}")
            if question.code in seen:
                raise ValueError(f"question {question.code!r} appears twice in {self.code!r}")
            seen.add(question.code)
        object.__setattr__(self, "questions", questions)


@dataclass(frozen=True)
class AreaResult:
    code: str
    score: float | None  # 0..100, one decimal; None when no question was answered
    # answered weight / weight of the applicable questions, 0..1, unrounded (0 when none apply)
    coverage: float
    # None when coverage is under MIN_COVERAGE_FOR_LEVEL or too many questions are not applicable
    level: int | None
    answered: int
    dont_know: int  # answered None, or not answered at all
    questions: int
    not_applicable: int = 0  # answered NOT_APPLICABLE; absent from results stored before it

    @property
    def mostly_not_applicable(self) -> bool:
        """Whether more than MAX_NOT_APPLICABLE_SHARE_FOR_LEVEL of the questions do not apply,
        which alone withholds the level."""
        return _mostly_not_applicable(self.not_applicable, self.questions)


@dataclass(frozen=True)
class Finding:
    question: str
    area: str
    value: int
    weight: int
    tip: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tip", _check_tip(self.tip, self.question))


@dataclass(frozen=True)
class AssessmentResult:
    areas: tuple[AreaResult, ...]
    overall_score: float | None
    overall_level: int | None
    strengths: tuple[Finding, ...]
    priorities: tuple[Finding, ...]

    def area(self, code: str) -> AreaResult:
        for result in self.areas:
            if result.code == code:
                return result
        raise KeyError(code)


def _round_one_decimal(value: Fraction) -> float:
    # Half-up, as people round by hand: 6.25 shows as 6.3 (round() would give 6.2). The
    # exact fraction goes through Decimal so binary floats never push a tie either way,
    # and a local context keeps a changed global decimal context from leaking in.
    with localcontext() as ctx:
        ctx.prec = 50
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return float(exact.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


def _mostly_not_applicable(not_applicable: int, questions: int) -> bool:
    return Fraction(not_applicable, max(questions, 1)) > Fraction(
        str(MAX_NOT_APPLICABLE_SHARE_FOR_LEVEL)
    )


def _check_value(code: str, value: object) -> None:
    if value is None or value == NOT_APPLICABLE:
        return
    if _is_int(value) and MIN_VALUE <= value <= MAX_VALUE:
        return
    raise ValueError(
        f"answer to {code!r} must be an integer {MIN_VALUE}..{MAX_VALUE}, None or "
        f"{NOT_APPLICABLE!r}, got {value!r}"
    )


def _check_answers(answers: Answers, known: set[str]) -> None:
    if not isinstance(answers, Mapping):
        raise ValueError("answers must be a mapping of question code to value")
    # Tampered or stale data must never be scored silently.
    unknown = sorted(repr(code) for code in answers if code not in known)
    if unknown:
        raise ValueError(f"answers for unknown questions: {', '.join(unknown)}")
    for code, value in answers.items():
        _check_value(code, value)


def level_for_score(score: float) -> int:
    """The maturity level (1..5) of a score in [0, 100], from LEVEL_BANDS."""
    if (
        isinstance(score, bool)
        or not isinstance(score, int | float)
        or not MIN_SCORE <= score <= MAX_SCORE  # also rejects NaN
    ):
        raise ValueError(f"score must be a number in [{MIN_SCORE}, {MAX_SCORE}], got {score!r}")
    level = LEVELS[0]
    for lower_edge, band_level in LEVEL_BANDS:
        if score >= lower_edge:
            level = band_level
    return level


def _score_area(area: AreaSpec, answers: Answers) -> AreaResult:
    total_weight = 0  # of the applicable questions
    answered_weight = 0
    weighted_steps = 0  # sum of weight * (value - 1)
    answered = 0
    not_applicable = 0
    for question in area.questions:
        value = answers.get(question.code)
        if value == NOT_APPLICABLE:
            not_applicable += 1
            continue
        total_weight += question.weight
        if not _is_int(value):
            continue
        answered += 1
        answered_weight += question.weight
        weighted_steps += question.weight * (value - MIN_VALUE)

    score: float | None = None
    level: int | None = None
    if answered:
        mean = Fraction(weighted_steps, answered_weight * (MAX_VALUE - MIN_VALUE))
        score = _round_one_decimal(mean * int(MAX_SCORE))
        # Exact comparison: coverage as a float could fall a hair short of exactly 50 %.
        coverage_exact = Fraction(answered_weight, total_weight)
        if coverage_exact >= Fraction(str(MIN_COVERAGE_FOR_LEVEL)) and not _mostly_not_applicable(
            not_applicable, len(area.questions)
        ):
            # From the rounded score, so the displayed score and level always agree.
            level = level_for_score(score)

    return AreaResult(
        code=area.code,
        score=score,
        coverage=answered_weight / total_weight if total_weight else 0.0,
        level=level,
        answered=answered,
        dont_know=len(area.questions) - answered - not_applicable,
        questions=len(area.questions),
        not_applicable=not_applicable,
    )


def score_area(area: AreaSpec, answers: Answers) -> AreaResult:
    """Score one area.

    ``answers`` may only hold codes of this area's questions (a ValueError otherwise); to
    score a whole questionnaire use score_assessment, which accepts all codes at once.
    """
    if not isinstance(area, AreaSpec):
        raise ValueError(f"not an area spec: {area!r}")
    _check_answers(answers, {q.code for q in area.questions})
    return _score_area(area, answers)


def _overall_score(area_scores: Sequence[float | None]) -> float | None:
    if not area_scores or any(score is None for score in area_scores):
        return None
    # The mean of the displayed (rounded) area scores, so a reader can redo the sum from
    # the report. str() recovers the one-decimal value exactly; the float itself is a
    # binary approximation that could tip a half-way mean the wrong way.
    total = sum((Fraction(Decimal(str(score))) for score in area_scores), Fraction(0))
    return _round_one_decimal(total / len(area_scores))


def overall_level(overall_score: float | None, area_levels: Sequence[int | None]) -> int | None:
    """The band of the overall score, capped at one level above the weakest area.

    None when there is no overall score or when any area has no level.
    """
    if not area_levels:
        raise ValueError("an overall level needs at least one area")
    levels: list[int] = []
    for level in area_levels:
        if level is None:
            return None
        if not _is_int(level) or level not in LEVELS:
            raise ValueError(f"not a level: {level!r}")
        levels.append(level)
    if overall_score is None:
        return None
    # A strong area must not hide a weak one: the weakest area caps the whole.
    return min(level_for_score(overall_score), min(levels) + 1)


def _findings(
    areas: Sequence[AreaSpec], answers: Answers
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    # (content position, finding) for every answered question; the position breaks ties.
    answered: list[tuple[int, Finding]] = []
    position = 0
    for area in areas:
        for question in area.questions:
            value = answers.get(question.code)
            if _is_int(value):
                answered.append(
                    (
                        position,
                        Finding(
                            question=question.code,
                            area=area.code,
                            value=value,
                            weight=question.weight,
                            tip=question.tip,
                        ),
                    )
                )
            position += 1

    strengths = sorted(
        (item for item in answered if item[1].value >= STRENGTH_MIN_VALUE),
        key=lambda item: (-item[1].value, -item[1].weight, item[0]),
    )
    # The gap to the top answer times the weight: the biggest possible gain comes first.
    priorities = sorted(
        (item for item in answered if item[1].value <= PRIORITY_MAX_VALUE),
        key=lambda item: (-(MAX_VALUE - item[1].value) * item[1].weight, item[0]),
    )
    return (
        tuple(finding for _, finding in strengths[:MAX_STRENGTHS]),
        tuple(finding for _, finding in priorities[:MAX_PRIORITIES]),
    )


def score_assessment(areas: Sequence[AreaSpec], answers: Answers) -> AssessmentResult:
    """Score a whole questionnaire: areas, overall score and level, strengths, priorities."""
    areas = tuple(areas)
    if not areas:
        raise ValueError("an assessment needs at least one area")
    area_codes: set[str] = set()
    question_codes: set[str] = set()
    for area in areas:
        if not isinstance(area, AreaSpec):
            raise ValueError(f"not an area spec: {area!r}")
        if area.code in area_codes:
            raise ValueError(f"area {area.code!r} appears twice")
        area_codes.add(area.code)
        for question in area.questions:
            # Answers are keyed by question code alone, so a shared code would be ambiguous.
            if question.code in question_codes:
                raise ValueError(f"question {question.code!r} appears in more than one area")
            question_codes.add(question.code)
    _check_answers(answers, question_codes)

    area_results = tuple(_score_area(area, answers) for area in areas)
    score = _overall_score([result.score for result in area_results])
    strengths, priorities = _findings(areas, answers)
    return AssessmentResult(
        areas=area_results,
        overall_score=score,
        overall_level=overall_level(score, [result.level for result in area_results]),
        strengths=strengths,
        priorities=priorities,
    )
