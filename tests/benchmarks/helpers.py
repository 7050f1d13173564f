"""Distributions of a chosen size, written directly: a group of 100 without 100 completions."""

import random

from django.core.cache import cache

from assessments.benchmarks import figures
from assessments.benchmarks.models import OVERALL, Distribution
from assessments.benchmarks.selectors import distribution_cache_key


def set_group(version, group, segment, size, *, seed=0, low=20.0, high=90.0):
    """Make the group exactly `size` organisations in every area and overall; the scores written,
    per area code (OVERALL for the overall score)."""
    rng = random.Random(seed)
    written = {}
    codes = [area.code for area in version.areas.all()] + [OVERALL]
    for code in codes:
        scores = written[code] = [round(rng.uniform(low, high), 1) for _ in range(size)]
        Distribution.objects.update_or_create(
            version=version,
            group=group,
            segment=segment,
            area=code,
            defaults={"count": size, "histogram": figures.histogram(scores), "moments": {}},
        )
    # Written behind the services' back: the pages must not read a cached copy from before.
    cache.delete(distribution_cache_key(version.pk, group, segment))
    return written
