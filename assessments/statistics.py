"""How well the questionnaire measures: reliability statistics over plain answer data.

Pure functions, no database: the dashboard feeds them the answers of completed assessments.
Each area is meant to measure one thing (the organisation's maturity in that area), so its
questions should agree with one another:

- Cronbach's alpha: the internal consistency of an area's questions, 0…1 (≥ 0.7 is usually
  called acceptable); computed over the respondents who answered every question of the area.
- Corrected item–total correlation: how well a question agrees with the sum of the area's other
  questions (≥ 0.3 is usually called good); a low or negative value marks a question that measures
  something else or is read in different ways.
- Don't-know rate: the share of respondents who could not answer; a high rate marks a question
  that respondents cannot judge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# A response: question code → value, None (or a missing code) meaning "don't know", or any text
# (the scoring module's NOT_APPLICABLE) meaning "not applicable": neither a value nor a gap in
# knowledge, so it counts in no don't-know rate and leaves the respondent out of alpha.
Answer = int | str | None
Response = Mapping[str, Answer]


def mean(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("the mean of no values")
    return math.fsum(values) / len(values)


def sample_variance(values: Sequence[float]) -> float:
    """The unbiased (n − 1) variance."""
    if len(values) < 2:
        raise ValueError("a variance needs at least two values")
    centre = mean(values)
    return math.fsum((value - centre) ** 2 for value in values) / (len(values) - 1)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation; None when either series is constant (it is then undefined)."""
    if len(xs) != len(ys):
        raise ValueError("the series differ in length")
    if len(xs) < 2:
        return None
    mean_x, mean_y = mean(xs), mean(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx = math.fsum(d * d for d in dx)
    syy = math.fsum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return None
    return math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)


def _columns(rows: Sequence[Sequence[float]]) -> list[list[float]]:
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        raise ValueError("every row needs a value for every item")
    return [list(column) for column in zip(*rows, strict=True)]


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of complete rows (one row per respondent, one column per item).

    None when it is undefined: fewer than two items or respondents, or no spread in the totals.
    """
    if len(rows) < 2:
        return None
    columns = _columns(rows)
    items = len(columns)
    if items < 2:
        return None
    totals = [math.fsum(row) for row in rows]
    total_variance = sample_variance(totals)
    if total_variance == 0:
        return None
    item_variances = math.fsum(sample_variance(column) for column in columns)
    return items / (items - 1) * (1 - item_variances / total_variance)


def corrected_item_total_correlations(rows: Sequence[Sequence[float]]) -> list[float | None]:
    """Each item's correlation with the sum of the other items, over complete rows."""
    if not rows:
        return []
    columns = _columns(rows)
    totals = [math.fsum(row) for row in rows]
    return [
        pearson(column, [total - value for total, value in zip(totals, column, strict=True)])
        if len(columns) > 1
        else None
        for column in columns
    ]


def dont_know_rate(values: Sequence[Answer]) -> float | None:
    """The share of None among the values that apply; None when none does."""
    applicable = [value for value in values if not isinstance(value, str)]
    if not applicable:
        return None
    return sum(1 for value in applicable if value is None) / len(applicable)


@dataclass(frozen=True)
class QuestionStatistics:
    code: str
    dont_know_rate: float | None
    item_total_correlation: float | None


@dataclass(frozen=True)
class AreaStatistics:
    code: str
    respondents: int
    complete_responses: int  # respondents who answered every question of the area
    alpha: float | None
    questions: tuple[QuestionStatistics, ...]


def _complete_row(response: Response, question_codes: Sequence[str]) -> list[float] | None:
    """The response's values in question order; None if any question has no value."""
    row: list[float] = []
    for question in question_codes:
        value = response.get(question)
        if value is None or isinstance(value, str):
            return None
        row.append(float(value))
    return row


def area_statistics(
    code: str, question_codes: Sequence[str], responses: Iterable[Response]
) -> AreaStatistics:
    """Alpha, item–total correlations and don't-know rates of one area's questions."""
    responses = list(responses)
    values = {
        question: [response.get(question) for response in responses] for question in question_codes
    }
    # Listwise: alpha and the correlations need a value for every item of a respondent.
    complete = [
        row
        for response in responses
        if (row := _complete_row(response, question_codes)) is not None
    ]
    correlations = corrected_item_total_correlations(complete) or [None] * len(question_codes)
    return AreaStatistics(
        code=code,
        respondents=len(responses),
        complete_responses=len(complete),
        alpha=cronbach_alpha(complete),
        questions=tuple(
            QuestionStatistics(
                code=question,
                dont_know_rate=dont_know_rate(values[question]),
                item_total_correlation=correlation,
            )
            for question, correlation in zip(question_codes, correlations, strict=True)
        ),
    )
