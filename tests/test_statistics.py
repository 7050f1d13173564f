"""The method statistics against direct computations on small, known data sets."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import statistics

# Five respondents, three items: a small data set whose figures are computed below by other
# formulas than the module's.
ROWS = [
    [4, 5, 4],
    [2, 3, 3],
    [3, 3, 2],
    [5, 4, 5],
    [1, 2, 2],
]


def covariance(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def alpha_from_covariance_matrix(rows):
    """alpha = k/(k-1) · (1 − trace(C) / sum(C)), C the items' covariance matrix."""
    columns = list(zip(*rows, strict=True))
    k = len(columns)
    matrix = [[covariance(a, b) for b in columns] for a in columns]
    trace = sum(matrix[i][i] for i in range(k))
    total = sum(sum(row) for row in matrix)
    return k / (k - 1) * (1 - trace / total)


def correlation_from_covariances(xs, ys):
    return covariance(xs, ys) / math.sqrt(covariance(xs, xs) * covariance(ys, ys))


def test_alpha_matches_the_covariance_matrix_formula():
    assert statistics.cronbach_alpha(ROWS) == pytest.approx(alpha_from_covariance_matrix(ROWS))


def test_alpha_of_this_data_set_by_hand():
    # Item variances 2.5, 1.3, 1.7 (sum 5.5); totals 13, 8, 8, 14, 5 have variance 14.3.
    expected = 3 / 2 * (1 - 5.5 / 14.3)
    assert statistics.cronbach_alpha(ROWS) == pytest.approx(expected)


def test_identical_items_give_an_alpha_of_one():
    rows = [[value, value] for value in (1, 2, 3, 5)]
    assert statistics.cronbach_alpha(rows) == pytest.approx(1.0)


def test_item_total_correlations_use_the_sum_of_the_other_items():
    expected = []
    for item in range(3):
        values = [row[item] for row in ROWS]
        rest = [sum(row) - row[item] for row in ROWS]
        expected.append(correlation_from_covariances(values, rest))
    assert statistics.corrected_item_total_correlations(ROWS) == pytest.approx(expected)


def test_a_reversed_item_correlates_negatively():
    rows = [[1, 1, 1, 5], [2, 2, 2, 4], [3, 3, 3, 3], [4, 4, 5, 2], [5, 5, 4, 1]]
    correlations = statistics.corrected_item_total_correlations(rows)
    assert correlations[3] < 0 < correlations[0]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [[1, 2, 3]],  # one respondent
        [[1], [2], [3]],  # one item
        [[3, 3], [3, 3], [3, 3]],  # no spread in the totals
    ],
)
def test_alpha_is_undefined_where_the_formula_is(rows):
    assert statistics.cronbach_alpha(rows) is None


def test_a_constant_item_has_no_correlation():
    rows = [[3, 1, 2], [3, 2, 3], [3, 4, 4]]
    assert statistics.corrected_item_total_correlations(rows)[0] is None


def test_rows_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        statistics.cronbach_alpha([[1, 2], [1, 2, 3]])


def test_dont_know_rate():
    assert statistics.dont_know_rate([1, None, 3, None]) == 0.5
    assert statistics.dont_know_rate([2, 3]) == 0
    assert statistics.dont_know_rate([]) is None


def test_area_statistics_leave_out_respondents_with_a_dont_know():
    codes = ["a", "b", "c"]
    responses = [dict(zip(codes, row, strict=True)) for row in ROWS]
    responses.append({"a": 5, "b": None, "c": 1})  # a don't-know
    responses.append({"a": 2, "c": 2})  # "b" never answered: counts as don't know

    result = statistics.area_statistics("area", codes, responses)

    assert result.respondents == 7
    assert result.complete_responses == 5
    assert result.alpha == pytest.approx(alpha_from_covariance_matrix(ROWS))
    rates = {question.code: question.dont_know_rate for question in result.questions}
    assert rates == {"a": 0, "b": pytest.approx(2 / 7), "c": 0}
    correlations = [question.item_total_correlation for question in result.questions]
    assert correlations == pytest.approx(statistics.corrected_item_total_correlations(ROWS))


def test_pearson_agrees_with_the_covariance_formula():
    xs, ys = [1, 2, 3, 4, 6], [2, 1, 4, 3, 7]
    assert statistics.pearson(xs, ys) == pytest.approx(correlation_from_covariances(xs, ys))


@given(st.lists(st.one_of(st.none(), st.integers(1, 5), st.just("not_applicable")), max_size=40))
def test_not_applicable_counts_in_no_dont_know_rate(values):
    applicable = [value for value in values if value != "not_applicable"]
    assert statistics.dont_know_rate(values) == statistics.dont_know_rate(applicable)
    if applicable:
        assert statistics.dont_know_rate(values) == applicable.count(None) / len(applicable)
