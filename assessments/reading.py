"""How long the test takes: the words a respondent reads, and the estimate of the time it takes
that the landing page shows until enough tests have been completed to measure it.

Pure: no Django, no database. The measured time is selectors.completion_time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

_WORD = re.compile(r"\w+(?:[-:’'´]\w+)*")

# Considered reading: each option is weighed against what the organisation really does, so
# slower than plain reading (about 200 words a minute in Finnish).
READING_WORDS_PER_MINUTE = 120
# The background page: five optional fields.
BACKGROUND_MINUTES = 1


def count_words(text: str) -> int:
    """Words as a reader counts them: "ei-koske" and "asiakas’" are one word each."""
    return len(_WORD.findall(text))


def estimated_minutes(words: int) -> int:
    """The minutes needed to read and answer `words` words of questions and options."""
    if words < 0:
        raise ValueError(f"a word count cannot be negative, got {words}")
    return math.ceil(words / READING_WORDS_PER_MINUTE) + BACKGROUND_MINUTES


def median_minutes(durations_seconds: Sequence[float]) -> int:
    """The median duration in whole minutes (half up), at least one minute."""
    if not durations_seconds:
        raise ValueError("the median of no durations")
    if any(not math.isfinite(d) or d < 0 for d in durations_seconds):
        raise ValueError("durations must be finite and not negative")
    minutes = Decimal(str(median(durations_seconds))) / 60
    return max(1, int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
