"""The benchmark's arithmetic over plain data: score histograms, percentile ranks, quartile
bands and quartiles, Cronbach's alpha from running sums, and the minimal detectable change.

Pure: no Django, no database. The stored distributions (models.Distribution) hold exactly the
data these functions read, so a page answers from one row per area instead of from every
assessment.

- A score has one decimal (scoring rounds it), so a histogram of 1,001 bins (0.0 … 100.0 in
  tenths) holds a group's scores exactly: ranks and quartiles from it equal those from the list.
- Percentile rank is the mid-rank: (organisations below + half of those level with the
  respondent, the respondent included) / organisations. Ties count half, so a group whose members
  all scored the same puts everyone in the middle, not at the top or the bottom.
- Quartiles are the "inclusive" quantiles (linear interpolation between order statistics, as
  Python's statistics.quantiles(method="inclusive") and most spreadsheets compute them).
- Cronbach's alpha is kept as integer running sums of complete responses (each item's sum and
  sum of squares, the totals' sum and sum of squares), so a response can be added and taken
  away again exactly, and alpha equals statistics.cronbach_alpha over the same rows.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate
from typing import Any

SCORE_STEPS_PER_POINT = 10  # one decimal
MAX_SCORE = 100
BIN_COUNT = MAX_SCORE * SCORE_STEPS_PER_POINT + 1

# The quartile bands, from the bottom quarter (1) to the top quarter (4).
BANDS = (1, 2, 3, 4)
TOP_BAND = BANDS[-1]
PERCENT_STEP = 5

# The minimal detectable change at 95 % confidence: MDC95 = 1.96 · √2 · SD · √(1 − α).
MDC_Z = 1.96
# Under this many complete responses the version's own SD and alpha are too unsteady to trust,
# and the conservative assumptions below are used instead: SD 20 points (a wide spread on the
# 0–100 scale; real areas have shown 15–20) and alpha 0.70 (the usual floor of "acceptable"
# reliability). Together they give about 30 points, so only a large change reads as clear.
MDC_MIN_RESPONSES = 30
FALLBACK_SD = 20.0
FALLBACK_ALPHA = 0.70


def score_bin(score: float) -> int:
    """The histogram bin of a score (its tenths)."""
    if isinstance(score, bool) or not 0 <= score <= MAX_SCORE:
        raise ValueError(f"score must be in [0, {MAX_SCORE}], got {score!r}")
    return round(score * SCORE_STEPS_PER_POINT)


def bin_score(index: int) -> float:
    return index / SCORE_STEPS_PER_POINT


def empty_histogram() -> list[int]:
    return [0] * BIN_COUNT


def histogram(scores: Sequence[float]) -> list[int]:
    counts = empty_histogram()
    for score in scores:
        counts[score_bin(score)] += 1
    return counts


def percentile_rank(counts: Sequence[int], score: float) -> Fraction:
    """The mid-rank of `score` in the histogram, 0…1: (below + half of the level ones) / all.

    Exact (a fraction, not a float): a rank of exactly 57.5 % must round up to 60, which in
    floating point (0.575 · 100 / 5 + 0.5 = 3.999…) it did not."""
    total = sum(counts)
    if total == 0:
        raise ValueError("the rank in an empty group")
    index = score_bin(score)
    below = sum(counts[:index])
    return Fraction(2 * below + counts[index], 2 * total)


def quartile_band(rank: Fraction | float) -> int:
    """The quarter a percentile rank falls in: 1 the bottom quarter … 4 the top quarter."""
    if not 0 <= rank <= 1:
        raise ValueError(f"a rank is in [0, 1], got {rank!r}")
    return min(TOP_BAND, 1 + math.floor(Fraction(rank) * len(BANDS)))


def rounded_percent(rank: Fraction | float, step: int = PERCENT_STEP) -> int:
    """The rank as a percentage rounded to the nearest `step` (halves up), kept between `step`
    and 100 − `step`: "higher than about 100 %" would claim more than a sample can tell."""
    rounded = math.floor(Fraction(rank) * 100 / step + Fraction(1, 2)) * step
    return min(max(rounded, step), 100 - step)


def _order_statistic(cumulative: Sequence[int], position: int) -> float:
    """The score at 0-based `position` in the sorted scores, from the histogram's running
    totals: the first bin whose running total passes the position (a binary search, as a
    results page computes five of these for each of its rows)."""
    if not 0 <= position < cumulative[-1]:
        raise ValueError("position past the end of the histogram")
    return bin_score(bisect_right(cumulative, position))


@dataclass(frozen=True)
class Quartiles:
    lowest: float
    lower: float  # Q1
    median: float
    upper: float  # Q3
    highest: float


def quartiles(counts: Sequence[int]) -> Quartiles:
    cumulative = list(accumulate(counts))
    total = cumulative[-1] if cumulative else 0
    if total == 0:
        raise ValueError("the quartiles of an empty group")

    def at(fraction: float) -> float:
        position = (total - 1) * fraction
        low = math.floor(position)
        value = _order_statistic(cumulative, low)
        if position == low:
            return value
        following = _order_statistic(cumulative, low + 1)
        return value + (position - low) * (following - value)

    return Quartiles(
        lowest=at(0.0), lower=at(0.25), median=at(0.5), upper=at(0.75), highest=at(1.0)
    )


def standard_deviation(counts: Sequence[int]) -> float | None:
    """The sample (n − 1) standard deviation of the histogram's scores; None under two."""
    total = sum(counts)
    if total < 2:
        return None
    # Exact in tenths: integer sums, one division.
    sum_x = sum(index * count for index, count in enumerate(counts))
    sum_xx = sum(index * index * count for index, count in enumerate(counts))
    variance = Fraction(total * sum_xx - sum_x * sum_x, total * (total - 1))
    return math.sqrt(variance) / SCORE_STEPS_PER_POINT


# ---------------------------------------------------------------- alpha from running sums


@dataclass
class ItemMoments:
    """Integer running sums of complete responses to k items (one area's questions)."""

    count: int
    item_sums: list[int]
    item_squares: list[int]
    total_sum: int
    total_squares: int

    @classmethod
    def empty(cls, items: int = 0) -> ItemMoments:
        return cls(0, [0] * items, [0] * items, 0, 0)

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> ItemMoments:
        if not data:
            return cls.empty()
        return cls(
            count=int(data["count"]),
            item_sums=[int(value) for value in data["item_sums"]],
            item_squares=[int(value) for value in data["item_squares"]],
            total_sum=int(data["total_sum"]),
            total_squares=int(data["total_squares"]),
        )

    def dump(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "item_sums": self.item_sums,
            "item_squares": self.item_squares,
            "total_sum": self.total_sum,
            "total_squares": self.total_squares,
        }

    def add(self, row: Sequence[int], sign: int = 1) -> None:
        """Add a complete response (sign 1) or take one away again (sign −1)."""
        if sign not in (1, -1):
            raise ValueError("sign is 1 or -1")
        if not self.item_sums and self.count == 0:
            self.item_sums = [0] * len(row)
            self.item_squares = [0] * len(row)
        if len(row) != len(self.item_sums):
            raise ValueError("a response with another number of items")
        total = sum(row)
        self.count += sign
        for index, value in enumerate(row):
            self.item_sums[index] += sign * value
            self.item_squares[index] += sign * value * value
        self.total_sum += sign * total
        self.total_squares += sign * total * total
        if self.count < 0:
            raise ValueError("took away a response that was never added")
        if self.count == 0:
            self.item_sums, self.item_squares = [], []

    def alpha(self) -> float | None:
        """Cronbach's alpha, as statistics.cronbach_alpha gives for the same rows."""
        items, n = len(self.item_sums), self.count
        if n < 2 or items < 2:
            return None

        def variance_times(sum_: int, squares: int) -> int:
            return n * squares - sum_ * sum_  # = variance · n(n − 1)

        total_variance = variance_times(self.total_sum, self.total_squares)
        if total_variance == 0:
            return None
        item_variance = sum(
            variance_times(sum_, squares)
            for sum_, squares in zip(self.item_sums, self.item_squares, strict=True)
        )
        return float(Fraction(items, items - 1) * (1 - Fraction(item_variance, total_variance)))


# ---------------------------------------------------------------- change between two results


@dataclass(frozen=True)
class MeasurementError:
    mdc: float  # points on the 0–100 scale
    sd: float
    alpha: float
    responses: int
    assumed: bool  # True when the conservative fallback was used


def mdc95(sd: float, alpha: float) -> float:
    """The minimal detectable change at 95 %: 1.96 · √2 · SD · √(1 − α), alpha kept in [0, 1]."""
    if sd < 0:
        raise ValueError("a standard deviation is never negative")
    reliability = min(max(alpha, 0.0), 1.0)
    return MDC_Z * math.sqrt(2) * sd * math.sqrt(1 - reliability)


def measurement_error(sd: float | None, alpha: float | None, responses: int) -> MeasurementError:
    """The MDC95 from the version's own SD and alpha, or from the conservative fallback while
    there are fewer than MDC_MIN_RESPONSES complete responses or either figure is undefined."""
    if responses < MDC_MIN_RESPONSES or sd is None or alpha is None:
        return MeasurementError(
            mdc=mdc95(FALLBACK_SD, FALLBACK_ALPHA),
            sd=FALLBACK_SD,
            alpha=FALLBACK_ALPHA,
            responses=responses,
            assumed=True,
        )
    return MeasurementError(
        mdc=mdc95(sd, alpha), sd=sd, alpha=alpha, responses=responses, assumed=False
    )


def is_clear_change(difference: float, mdc: float) -> bool:
    """A change counts only when it is larger than the measurement error."""
    return abs(difference) > mdc


# ---------------------------------------------------------------- small cells in published tables


@dataclass(frozen=True)
class Cell:
    """Adjacent categories (e.g. levels first…last) shown as one cell of a published table."""

    first: int
    last: int
    count: int

    @property
    def span(self) -> int:
        return self.last - self.first + 1


def merged_cells(counts: Sequence[int], minimum: int) -> list[Cell]:
    """Adjacent categories merged until every cell that holds anyone holds at least `minimum`
    (a cell of 1…minimum − 1 organisations could point at one of them). Empty categories stay
    cells of their own where they are not swallowed by a merge. When all of them together are
    fewer than `minimum`, one cell holds them all: the caller leaves such a row out."""
    cells: list[Cell] = []
    start, running = 0, 0
    for index, count in enumerate(counts):
        running += count
        if running == 0 and count == 0:
            cells.append(Cell(index, index, 0))
            start = index + 1
            continue
        if running >= minimum:
            cells.append(Cell(start, index, running))
            start, running = index + 1, 0
    if running:
        # What is left is too small on its own: into the cell before it (whole, with any empty
        # cells in between), or, when there is none, one cell for the row.
        while cells and cells[-1].count == 0:
            cells.pop()
        if cells:
            last = cells.pop()
            cells.append(Cell(last.first, len(counts) - 1, last.count + running))
        else:
            cells.append(Cell(0, len(counts) - 1, running))
    elif start < len(counts):
        cells.extend(Cell(index, index, 0) for index in range(start, len(counts)))
    return cells
