"""The customer mirror's figures, computed from the customers' answers and the team's: pure Python.

Scores are on the questionnaire's scale (scoring.py): an answer v of 1..5 is worth
(v - 1) / 4 × 100 points, and a score is a mean of such values, rounded half up to one decimal.

- A customer's score in an area is the mean of their answers to that area's mirror questions;
  the customers' area score is the mean of those, over the customers with at least one answer
  there ("don't know" leaves a question out, as in the test).
- The team's score of a mirror question ("inside") is the same over the team's colleagues and the
  inside questions it mirrors: each colleague's mean over them, then the mean over colleagues.
- The gap is inside minus customers, from the two rounded figures (so that a reader can redo
  it). A gap of CLEAR_GAP points or more is a blind spot; -CLEAR_GAP or less a hidden strength.

Nothing is shown from fewer customers than min_customers(): not a score, not a count per option,
not a comment, not the recommendation distribution. Only the number of responses is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from math import floor

from .. import scoring

# No mirror figure from fewer customers than this (settings.TEAM_MIRROR_MIN_RESPONSES may only
# raise it).
MIN_CUSTOMERS_FLOOR = 5
# "Clearly higher": the organisation's score at least this many points (0–100) above the
# customers' is a blind spot, and the customers' this far above the organisation's a hidden
# strength. A quarter of one step on the five-point scale is 6.25 points; 15 is more than half a
# step, beyond what one or two customers' mood swings move.
CLEAR_GAP = 15.0
# The 0–10 "would you recommend" scale and its three groups (the usual net promoter bands).
RECOMMEND_MIN = 0
RECOMMEND_MAX = 10
DETRACTOR_MAX = 6
PROMOTER_MIN = 9

BLIND_SPOT = "blind_spot"
HIDDEN_STRENGTH = "hidden_strength"

_ONE_DECIMAL = Decimal("0.1")
_STEPS = scoring.MAX_VALUE - scoring.MIN_VALUE

# A respondent's answers: question code -> 1..5, or None for "don't know" (or not asked).
Answers = Mapping[str, int | None]


def min_customers(configured: int) -> int:
    """The number of customer responses the mirror needs before any figure is shown."""
    return max(MIN_CUSTOMERS_FLOOR, configured)


def round_one_decimal(value: Fraction) -> float:
    with localcontext() as ctx:
        ctx.prec = 50
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return float(exact.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


def value_points(value: int) -> Fraction:
    """An answer's worth on the 0–100 scale."""
    return Fraction(value - scoring.MIN_VALUE, _STEPS) * int(scoring.MAX_SCORE)


@dataclass(frozen=True)
class Score:
    score: float | None  # None: fewer people than the minimum gave an answer on the scale
    count: int  # people with an answer on the scale


def group_score(people: Sequence[Answers], codes: Sequence[str], minimum: int) -> Score:
    """The mean over people of each person's mean over `codes` (people with no answer there are
    left out); no score from fewer than `minimum` people.

    Exact, and in integers while it runs (an owner page sums hundreds of people per question):
    a person's mean is their sum of steps over their number of answers k, so the people are
    summed per k and the fractions joined once at the end."""
    steps_by_answers: dict[int, int] = {}
    count = 0
    for person in people:
        answered = 0
        steps = 0
        for code in codes:
            value = person.get(code)
            # Anything but an answer on the scale (None, a stray stored value) is "don't know".
            if type(value) is int and scoring.MIN_VALUE <= value <= scoring.MAX_VALUE:
                answered += 1
                steps += value - scoring.MIN_VALUE
        if answered:
            count += 1
            steps_by_answers[answered] = steps_by_answers.get(answered, 0) + steps
    if count < max(1, minimum):
        return Score(score=None, count=count)
    total = sum(
        (Fraction(steps, answered) for answered, steps in steps_by_answers.items()), Fraction(0)
    )
    return Score(
        score=round_one_decimal(total * int(scoring.MAX_SCORE) / (_STEPS * count)), count=count
    )


def is_answer(value: object) -> bool:
    """An answer on the scale (not "don't know")."""
    return type(value) is int and scoring.MIN_VALUE <= value <= scoring.MAX_VALUE


def gap(inside: float | None, customers: float | None) -> float | None:
    """Inside minus customers, from the rounded figures; None when either is missing."""
    if inside is None or customers is None:
        return None
    return float(Decimal(str(inside)) - Decimal(str(customers)))


def finding(difference: float | None) -> str | None:
    """BLIND_SPOT, HIDDEN_STRENGTH or None for a gap."""
    if difference is None:
        return None
    if difference >= CLEAR_GAP:
        return BLIND_SPOT
    if difference <= -CLEAR_GAP:
        return HIDDEN_STRENGTH
    return None


def _whole(value: Fraction) -> int:
    # Half up (also below zero: -12.5 shows as -12), as the scores are rounded.
    return floor(value + Fraction(1, 2))


@dataclass(frozen=True)
class Recommend:
    count: int
    counts: tuple[int, ...]  # per score 0..10
    detractors: int
    passives: int
    promoters: int

    @property
    def net(self) -> int:
        """Promoters' share minus detractors' share, in whole percentage points (-100..100)."""
        return _whole(Fraction(100 * (self.promoters - self.detractors), self.count))

    def share(self, part: int) -> int:
        """`part`'s share of the answers in whole percentage points."""
        return _whole(Fraction(100 * part, self.count))

    @property
    def detractor_share(self) -> int:
        return self.share(self.detractors)

    @property
    def passive_share(self) -> int:
        return self.share(self.passives)

    @property
    def promoter_share(self) -> int:
        return self.share(self.promoters)


def recommend_distribution(scores: Sequence[int], minimum: int) -> Recommend | None:
    """The 0–10 answers' distribution; None from fewer than `minimum` answers."""
    if len(scores) < max(1, minimum):
        return None
    counts = tuple(
        sum(1 for s in scores if s == value) for value in range(RECOMMEND_MIN, RECOMMEND_MAX + 1)
    )
    return Recommend(
        count=len(scores),
        counts=counts,
        detractors=sum(1 for s in scores if s <= DETRACTOR_MAX),
        passives=sum(1 for s in scores if DETRACTOR_MAX < s < PROMOTER_MIN),
        promoters=sum(1 for s in scores if s >= PROMOTER_MIN),
    )
