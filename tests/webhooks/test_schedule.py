"""The retry schedule: later and later, never past 24 hours from the event, and the last try
falls on the 24th hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from assessments.webhooks.schedule import RETRY_DELAYS, RETRY_PERIOD, next_attempt_at

START = datetime(2026, 1, 1, tzinfo=UTC)

elapsed = st.timedeltas(min_value=timedelta(0), max_value=RETRY_PERIOD * 2)


@given(elapsed=elapsed, attempts=st.integers(min_value=1, max_value=50))
def test_a_retry_is_after_the_failure_and_within_the_period(elapsed, attempts):
    failed_at = START + elapsed
    retry = next_attempt_at(created_at=START, failed_at=failed_at, attempts=attempts)
    if elapsed >= RETRY_PERIOD:
        assert retry is None
    else:
        assert retry is not None
        assert failed_at < retry <= START + RETRY_PERIOD


@given(elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=1)))
def test_the_waits_grow_with_the_attempts(elapsed):
    failed_at = START + elapsed
    waits = [
        next_attempt_at(created_at=START, failed_at=failed_at, attempts=n) - failed_at
        for n in range(1, len(RETRY_DELAYS) + 1)
    ]
    assert waits == sorted(waits)
    assert waits[0] == RETRY_DELAYS[0]


def test_an_endpoint_that_never_answers_is_tried_until_the_24th_hour_then_given_up():
    now, attempts = START, 1
    tries = [now]
    while (
        retry := next_attempt_at(created_at=START, failed_at=now, attempts=attempts)
    ) is not None:
        now, attempts = retry, attempts + 1
        tries.append(now)
    assert tries[-1] == START + RETRY_PERIOD
    assert 8 <= len(tries) <= 12
