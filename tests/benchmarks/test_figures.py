"""The benchmark's arithmetic against brute-force computations on random data."""

import math
import statistics as pystatistics
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import statistics
from assessments.benchmarks import figures

scores = st.integers(min_value=0, max_value=1000).map(lambda tenths: tenths / 10)
score_lists = st.lists(scores, min_size=1, max_size=300)


def brute_rank(values, score):
    """The mid-rank by counting, exactly: (below + half of the level ones) / all."""
    below = sum(1 for value in values if value < score)
    level = sum(1 for value in values if value == score)
    return Fraction(2 * below + level, 2 * len(values))


def brute_band(values, score):
    """The quarter by counting: the band whose quarter of the group the mid-rank falls in."""
    rank = brute_rank(values, score)
    for band, upper in ((1, Fraction(1, 4)), (2, Fraction(1, 2)), (3, Fraction(3, 4))):
        if rank < upper:
            return band
    return 4


def brute_percent(values, score):
    """The rank in whole percent to the nearest five, halves up, by trying every multiple of
    five: the nearest one, the larger of two equally near ones, kept within 5…95."""
    exact = 100 * brute_rank(values, score)
    nearest = min(range(0, 101, 5), key=lambda multiple: (abs(exact - multiple), -multiple))
    return min(max(nearest, 5), 95)


@given(score_lists, st.data())
@settings(max_examples=300)
def test_rank_band_and_percent_equal_a_brute_force_count(values, data):
    score = data.draw(st.sampled_from(values))
    counts = figures.histogram(values)
    rank = figures.percentile_rank(counts, score)
    assert rank == brute_rank(values, score)
    assert figures.quartile_band(rank) == brute_band(values, score)
    assert figures.rounded_percent(rank) == brute_percent(values, score)


@pytest.mark.parametrize(
    ("below", "level", "band", "percent"),
    [
        # Of 40, the respondent among the `level` who scored the same. Exactly on an edge:
        # 57.5 % rounds up to 60 (in floating point 0.575 · 100 / 5 + 0.5 is 3.999…, which
        # floors to 55); a rank of exactly 25 % or 75 % is already in the quarter above.
        (22, 2, 3, 60),
        (4, 2, 1, 15),
        (9, 2, 2, 25),
        (29, 2, 4, 75),
        (19, 2, 3, 50),
        (0, 1, 1, 5),
        (39, 1, 4, 95),
    ],
)
def test_rank_band_and_percent_at_exact_edges(below, level, band, percent):
    values = [10.0] * below + [50.0] * level + [90.0] * (40 - below - level)
    rank = figures.percentile_rank(figures.histogram(values), 50.0)
    assert rank == brute_rank(values, 50.0)
    assert figures.quartile_band(rank) == band == brute_band(values, 50.0)
    assert figures.rounded_percent(rank) == percent == brute_percent(values, 50.0)


@given(score_lists)
@settings(max_examples=200)
def test_quartiles_equal_the_standard_library_inclusive_quantiles(values):
    counts = figures.histogram(values)
    quartiles = figures.quartiles(counts)
    assert quartiles.lowest == min(values)
    assert quartiles.highest == max(values)
    if len(values) >= 2:
        q1, median, q3 = pystatistics.quantiles(values, n=4, method="inclusive")
        assert quartiles.lower == pytest.approx(q1)
        assert quartiles.median == pytest.approx(median)
        assert quartiles.upper == pytest.approx(q3)
    else:
        assert quartiles.median == values[0]


@given(score_lists)
def test_standard_deviation_equals_the_sample_standard_deviation(values):
    sd = figures.standard_deviation(figures.histogram(values))
    if len(values) < 2:
        assert sd is None
    else:
        assert sd == pytest.approx(pystatistics.stdev(values), abs=1e-9)


rows_strategy = st.integers(min_value=2, max_value=6).flatmap(
    lambda items: st.lists(
        st.lists(st.integers(min_value=1, max_value=5), min_size=items, max_size=items),
        min_size=0,
        max_size=60,
    )
)


@given(rows_strategy, st.data())
@settings(max_examples=200)
def test_alpha_from_running_sums_equals_statistics_alpha_also_after_removals(rows, data):
    moments = figures.ItemMoments.empty()
    for row in rows:
        moments.add(row)
    removed = data.draw(st.lists(st.sampled_from(range(len(rows))), unique=True)) if rows else []
    for index in removed:
        moments.add(rows[index], -1)
    kept = [row for index, row in enumerate(rows) if index not in set(removed)]
    expected = statistics.cronbach_alpha(kept)
    restored = figures.ItemMoments.load(moments.dump())
    if expected is None:
        assert restored.alpha() is None
    else:
        assert restored.alpha() == pytest.approx(expected, abs=1e-9)
    assert restored.count == len(kept)


def test_taking_away_a_response_never_added_is_refused():
    moments = figures.ItemMoments.empty()
    moments.add([1, 2])
    moments.add([1, 2], -1)
    with pytest.raises(ValueError):
        moments.add([3, 3], -1)


def test_mdc95_with_known_sd_and_alpha():
    # 1.96 · √2 · 10 · √(1 − 0.84) = 1.96 · 1.41421 · 10 · 0.4 = 11.087…
    assert figures.mdc95(10.0, 0.84) == pytest.approx(1.96 * math.sqrt(2) * 10 * 0.4)
    assert figures.mdc95(10.0, 0.84) == pytest.approx(11.087, abs=0.001)
    error = figures.measurement_error(10.0, 0.84, figures.MDC_MIN_RESPONSES)
    assert not error.assumed
    assert error.mdc == pytest.approx(11.087, abs=0.001)


def test_mdc_falls_back_to_the_conservative_assumption_under_thirty_responses():
    few = figures.measurement_error(5.0, 0.95, figures.MDC_MIN_RESPONSES - 1)
    assert few.assumed
    assert few.mdc == pytest.approx(figures.mdc95(figures.FALLBACK_SD, figures.FALLBACK_ALPHA))
    # Conservative: larger than what a steadier, more reliable test would give.
    assert few.mdc > figures.mdc95(5.0, 0.95)
    assert figures.measurement_error(None, None, 500).assumed


@given(st.floats(min_value=-100, max_value=100), st.floats(min_value=0, max_value=50))
def test_a_change_is_clear_only_outside_the_error(difference, mdc):
    assert figures.is_clear_change(difference, mdc) == (abs(difference) > mdc)


def test_ties_put_everyone_in_the_middle():
    counts = figures.histogram([50.0] * 40)
    rank = figures.percentile_rank(counts, 50.0)
    assert rank == 0.5
    assert figures.quartile_band(rank) == 3
    assert figures.rounded_percent(rank) == 50


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6))
@settings(max_examples=300)
def test_merged_cells_never_show_a_small_number_and_keep_the_total(counts):
    cells = figures.merged_cells(counts, 10)
    assert sum(cell.count for cell in cells) == sum(counts)
    # Contiguous, in order, covering every category once.
    assert cells[0].first == 0 and cells[-1].last == len(counts) - 1
    for before, after in zip(cells, cells[1:], strict=False):
        assert after.first == before.last + 1
    for cell in cells:
        assert cell.count == sum(counts[cell.first : cell.last + 1])
        if sum(counts) >= 10:
            assert cell.count == 0 or cell.count >= 10


def test_merged_cells_by_example():
    assert figures.merged_cells([12, 3, 20, 0, 0], 10) == [
        figures.Cell(0, 0, 12),
        figures.Cell(1, 2, 23),
        figures.Cell(3, 3, 0),
        figures.Cell(4, 4, 0),
    ]
    assert figures.merged_cells([0, 14, 5], 10) == [figures.Cell(0, 0, 0), figures.Cell(1, 2, 19)]
    assert figures.merged_cells([4, 3], 10) == [figures.Cell(0, 1, 7)]
