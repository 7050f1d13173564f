"""When a failed delivery is tried again: soon at first, then further apart, for 24 hours."""

from __future__ import annotations

from datetime import datetime, timedelta

# After the first, second … failed attempt (the last delay repeats). Close to the schedule of
# Svix, which wrote the Standard Webhooks spec: a short outage is bridged within minutes, a
# CRM that is down overnight still gets the event the next morning.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=8),
)
# How long a message is retried, counted from the event; then it is marked failed.
RETRY_PERIOD = timedelta(hours=24)


def next_attempt_at(*, created_at: datetime, failed_at: datetime, attempts: int) -> datetime | None:
    """When to try again after `attempts` failed attempts, or None when the period is over.

    The last retry falls exactly at the period's end, so that no message gives up early."""
    deadline = created_at + RETRY_PERIOD
    if failed_at >= deadline:
        return None
    delay = RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]
    return min(failed_at + delay, deadline)
