"""What a team says together, computed from its members' scores and answers: pure Python.

Nothing here knows who answered what: the callers pass lists of numbers (and, for the role
groups, a list of roles), and every figure is a count, a mean or a spread over a group.

The spread is the population standard deviation: it describes the colleagues who answered, not an
estimate for a wider staff. The disagreement ranking orders questions by the exact variance of
their answers on the scale (rationals, so that equal distributions always tie), then by range.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .. import scoring

# No team figure, anywhere, from fewer colleagues than this (settings.TEAM_MIN_RESPONDENTS may
# only raise it).
MIN_RESPONDENTS_FLOOR = 3
# A role group is shown only with at least this many members (and an area of it only with this
# many scores).
MIN_ROLE_GROUP = 3
# The disagreement map shows the answer counts of this many questions; the workshop agenda takes
# between AGENDA_MIN and AGENDA_MAX of them.
DISAGREEMENTS_SHOWN = 5
AGENDA_MIN = 3
AGENDA_MAX = 5
# On the agenda first: questions whose two ends lie at least this many steps of the scale apart.
AGENDA_WIDE_RANGE = 2
# The group of members whose role is not shown on its own (none given, or a small role).
OTHERS = "others"

_ONE_DECIMAL = Decimal("0.1")


def min_respondents(configured: int) -> int:
    """The number of completed colleagues a team needs before any figure is shown."""
    return max(MIN_RESPONDENTS_FLOOR, configured)


def round_one_decimal(value: float) -> float:
    # Half up, as the scores themselves are rounded, so that the shown mean and its level agree.
    return float(Decimal(repr(value)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Spread:
    count: int
    mean: float  # one decimal
    minimum: float
    maximum: float
    sd: float  # population standard deviation, one decimal

    @property
    def level(self) -> int:
        return scoring.level_for_score(self.mean)


def spread(values: Sequence[float], minimum_count: int = 1) -> Spread | None:
    """Mean, range and standard deviation of `values`; None for fewer than `minimum_count`."""
    if len(values) < max(1, minimum_count):
        return None
    count = len(values)
    mean = math.fsum(values) / count
    variance = math.fsum((value - mean) ** 2 for value in values) / count
    return Spread(
        count=count,
        mean=min(scoring.MAX_SCORE, max(scoring.MIN_SCORE, round_one_decimal(mean))),
        minimum=min(values),
        maximum=max(values),
        sd=round_one_decimal(math.sqrt(variance)),
    )


@dataclass(frozen=True)
class AreaFigure:
    code: str
    spread: Spread | None  # None: fewer scores in the area than the team's threshold


def area_figures(
    area_codes: Sequence[str],
    member_scores: Sequence[Mapping[str, float | None]],
    minimum_count: int,
) -> tuple[AreaFigure, ...]:
    """Per area, the spread of the members' scores (a member without a score in an area, every
    answer "don't know" or "not applicable", is left out of it)."""
    return tuple(
        AreaFigure(
            code=code,
            spread=spread(
                [s for scores in member_scores if (s := scores.get(code)) is not None],
                minimum_count,
            ),
        )
        for code in area_codes
    )


@dataclass(frozen=True)
class QuestionAnswers:
    """One question's answers over the team: the values on the scale, and the other answers."""

    code: str
    order: int  # its place in the questionnaire, for ties
    values: tuple[int, ...]
    dont_know: int = 0
    not_applicable: int = 0


@dataclass(frozen=True)
class Disagreement:
    code: str
    order: int
    variance: Fraction  # exact
    counts: tuple[int, ...]  # per value of the scale, MIN_VALUE first
    dont_know: int
    not_applicable: int

    @property
    def count(self) -> int:
        return sum(self.counts)

    @property
    def sd(self) -> float:
        return round_one_decimal(math.sqrt(self.variance))

    @property
    def low(self) -> int:
        return next(v for v, c in zip(_SCALE, self.counts, strict=True) if c)

    @property
    def high(self) -> int:
        return next(v for v, c in zip(reversed(_SCALE), reversed(self.counts), strict=True) if c)

    @property
    def range(self) -> int:
        return self.high - self.low

    def count_of(self, value: int) -> int:
        return self.counts[value - scoring.MIN_VALUE]


_SCALE = tuple(range(scoring.MIN_VALUE, scoring.MAX_VALUE + 1))


def _variance(counts: Sequence[int]) -> Fraction:
    n = sum(counts)
    total = sum(value * count for value, count in zip(_SCALE, counts, strict=True))
    squares = sum(value * value * count for value, count in zip(_SCALE, counts, strict=True))
    return Fraction(n * squares - total * total, n * n)


def disagreement_ranking(questions: Sequence[QuestionAnswers]) -> tuple[Disagreement, ...]:
    """Every question with at least one answer on the scale, the widest spread first (variance,
    then range, then the questionnaire's order)."""
    ranked = []
    for question in questions:
        if not question.values:
            continue
        counted = Counter(question.values)
        counts = tuple(counted.get(value, 0) for value in _SCALE)
        ranked.append(
            Disagreement(
                code=question.code,
                order=question.order,
                variance=_variance(counts),
                counts=counts,
                dont_know=question.dont_know,
                not_applicable=question.not_applicable,
            )
        )
    ranked.sort(key=lambda d: (-d.variance, -d.range, d.order))
    return tuple(ranked)


def workshop_agenda(ranking: Sequence[Disagreement]) -> tuple[Disagreement, ...]:
    """The questions to discuss first: up to AGENDA_MAX of the ranking whose ends lie
    AGENDA_WIDE_RANGE steps apart or more, topped up to AGENDA_MIN with any that differ at all.
    Empty when the team agrees on everything."""
    wide = [d for d in ranking if d.range >= AGENDA_WIDE_RANGE][:AGENDA_MAX]
    if len(wide) < AGENDA_MIN:
        narrow = [d for d in ranking if 0 < d.range < AGENDA_WIDE_RANGE]
        wide += narrow[: AGENDA_MIN - len(wide)]
        wide.sort(key=ranking.index)
    return tuple(wide)


def role_groups(roles: Sequence[str], minimum: int = MIN_ROLE_GROUP) -> dict[str, str] | None:
    """Each member role → the group it is shown in, or None when no comparison may be shown.

    A role is shown on its own with at least `minimum` members; the rest ("" = no role given,
    and the small roles) form OTHERS. OTHERS too needs `minimum` members, and it may not be left
    out either: the team's own figures cover every member, so a hidden remainder could be
    worked out from them. So while OTHERS has members but too few, the smallest shown role joins
    it. Fewer than two groups compare nothing.
    """
    counts = Counter(roles)
    shown = sorted(
        (r for r, c in counts.items() if r and r != OTHERS and c >= minimum),
        key=lambda r: (counts[r], r),
    )
    rest = len(roles) - sum(counts[r] for r in shown)
    while 0 < rest < minimum and shown:
        rest += counts[shown.pop(0)]
    groups = {role: (role if role in shown else OTHERS) for role in counts}
    if len(set(groups.values())) < 2 or 0 < rest < minimum:
        return None
    return groups


@dataclass(frozen=True)
class RoleGroup:
    role: str  # a role's code, or OTHERS
    members: int
    means: tuple[float | None, ...]  # per area (in area_codes' order); None: hidden there


def role_comparison(
    area_codes: Sequence[str],
    members: Sequence[tuple[str, Mapping[str, float | None]]],
    minimum: int = MIN_ROLE_GROUP,
) -> tuple[RoleGroup, ...]:
    """The mean score per area of each role group (see role_groups), the largest role first and
    OTHERS last. An
    area is shown for no group unless every group has `minimum` scores in it: one group's
    missing cell could be worked out from the team's mean."""
    groups = role_groups([role for role, _scores in members], minimum)
    if groups is None:
        return ()
    by_group: dict[str, list[Mapping[str, float | None]]] = {}
    for role, scores in members:
        by_group.setdefault(groups[role], []).append(scores)
    shown_areas = [
        all(
            sum(1 for scores in group if scores.get(code) is not None) >= minimum
            for group in by_group.values()
        )
        for code in area_codes
    ]
    result = []
    for role, group in by_group.items():
        means: list[float | None] = []
        for code, shown in zip(area_codes, shown_areas, strict=True):
            values = [s for scores in group if (s := scores.get(code)) is not None]
            means.append(round_one_decimal(math.fsum(values) / len(values)) if shown else None)
        result.append(RoleGroup(role=role, members=len(group), means=tuple(means)))
    result.sort(key=lambda g: (g.role == OTHERS, -g.members, g.role))
    return tuple(result)


def role_gaps(groups: Sequence[RoleGroup]) -> tuple[float | None, ...]:
    """Per area, the distance between the highest and the lowest group mean."""
    if not groups:
        return ()
    gaps: list[float | None] = []
    for means in zip(*(group.means for group in groups), strict=True):
        known = [m for m in means if m is not None]
        gaps.append(round_one_decimal(max(known) - min(known)) if known else None)
    return tuple(gaps)
