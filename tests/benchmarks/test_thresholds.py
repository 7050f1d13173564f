"""Group figures appear only above their thresholds, which never go below ten."""

import pytest

from assessments.benchmarks import selectors
from assessments.benchmarks.models import Group
from tests.benchmarks.helpers import set_group
from tests.factories import answered_assessment


@pytest.fixture
def result(questionnaire):
    return answered_assessment(questionnaire, lambda q: 4, industry="it", size="50-249")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "band", "percent"),
    [(29, False, False), (30, True, False), (99, True, False), (100, True, True)],
)
def test_everyone_shows_a_band_from_30_and_a_percentile_from_100(result, size, band, percent):
    set_group(result.version, "all", "", size)
    comparison = selectors.comparison(result)
    for area in (*comparison.areas, comparison.overall):
        assert area.visible
        assert (area.band is not None) is band
        assert (area.quartiles is not None) is band
        assert (area.percent is not None) is percent
        assert area.needed == (0 if band else 30 - size)


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "offered"), [(9, False), (10, True)])
def test_a_segment_under_ten_never_appears(result, size, offered):
    set_group(result.version, "all", "", 200)
    set_group(result.version, "industry", "it", size)
    comparison = selectors.comparison(result, "industry")
    assert (Group.INDUSTRY in [choice.group for choice in comparison.choices]) is offered
    if offered:
        assert comparison.group == Group.INDUSTRY
        # Between 10 and 30: how many more are needed, nothing numeric.
        assert all(area.band is None and area.needed == 20 for area in comparison.areas)
    else:
        assert comparison.group == Group.EVERYONE
        assert comparison.asked_unavailable
        assert comparison.overall.group_size == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "band"), [(29, False), (30, True)])
def test_a_segment_follows_the_band_threshold_once_it_appears(result, size, band):
    set_group(result.version, "size", "50-249", size)
    comparison = selectors.comparison(result, "size")
    assert comparison.group == Group.SIZE
    assert (comparison.overall.band is not None) is band
    assert comparison.overall.percent is None


@pytest.mark.django_db
def test_thresholds_never_go_below_ten(result, settings):
    settings.BENCHMARK_MIN_SEGMENT = 2
    settings.BENCHMARK_MIN_BAND = 3
    settings.BENCHMARK_MIN_PERCENTILE = 0
    assert selectors.thresholds() == selectors.Thresholds(segment=10, band=10, percentile=10)
    set_group(result.version, "industry", "it", 9)
    set_group(result.version, "all", "", 9)
    comparison = selectors.comparison(result, "industry")
    assert comparison.group == Group.EVERYONE
    assert comparison.overall.band is None and comparison.overall.needed == 1


@pytest.mark.django_db
def test_thresholds_follow_the_settings_above_the_floor(result, settings):
    settings.BENCHMARK_MIN_BAND = 50
    set_group(result.version, "all", "", 49)
    assert selectors.comparison(result).overall.needed == 1
    set_group(result.version, "all", "", 50)
    assert selectors.comparison(result).overall.band is not None


@pytest.mark.django_db
@pytest.mark.parametrize("asked", ["nonsense", "", None, "industry ", "ALL", ["size"]])
def test_an_unknown_group_falls_back_to_everyone(result, asked):
    set_group(result.version, "all", "", 40)
    set_group(result.version, "industry", "it", 40)
    comparison = selectors.comparison(result, asked)
    assert comparison.group == Group.EVERYONE


@pytest.mark.django_db
def test_the_band_is_the_respondents_quarter_of_the_group(questionnaire):
    top = answered_assessment(questionnaire, lambda q: 5)
    set_group(questionnaire, "all", "", 120, low=10.0, high=60.0)
    comparison = selectors.comparison(top)
    assert comparison.overall.band == 4 and comparison.overall.is_top_band
    assert comparison.overall.percent == 95  # never "higher than 100 %"
