"""The dashboard's funnel against a brute-force count of the same stored tests."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.consultant import funnel
from assessments.models import Assessment

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

AREAS = 3  # the real questionnaire's
TODAY = date(2026, 6, 17)  # a Wednesday
SOURCES = ["", "newsletter", "linkedin"]


@dataclass(frozen=True)
class Planned:
    days_ago: int
    minutes_into_day: int
    last_step: int  # 0 … AREAS + 1
    completed: bool
    consent: bool
    contact: bool
    source: str
    minutes_to_complete: int


planned = st.builds(
    Planned,
    days_ago=st.integers(0, 100),
    minutes_into_day=st.integers(0, 24 * 60 - 1),
    last_step=st.integers(0, AREAS + 1),
    completed=st.booleans(),
    consent=st.booleans(),
    contact=st.booleans(),
    source=st.sampled_from(SOURCES),
    minutes_to_complete=st.integers(1, 60 * 24 * 3),
)


def local_moment(day: date, minutes: int) -> datetime:
    midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return midnight + timedelta(minutes=minutes)


def store(plans: list[Planned], result: dict, version) -> list[Assessment]:
    """The planned tests as rows, as far as each got (a completed one saved every step)."""
    rows = []
    for plan in plans:
        created = local_moment(TODAY - timedelta(days=plan.days_ago), plan.minutes_into_day)
        completed = created + timedelta(minutes=plan.minutes_to_complete)
        rows.append(
            Assessment(
                version=version,
                last_step=AREAS + 1 if plan.completed else plan.last_step,
                completed_at=completed if plan.completed else None,
                result=result if plan.completed else None,
                consent_to_contact=plan.consent,
                email="x@example.com" if plan.consent else "",
                contact_requested_at=completed if plan.contact else None,
                utm_source=plan.source,
            )
        )
    stored = Assessment.objects.bulk_create(rows)
    for row, plan in zip(stored, plans, strict=True):
        created = local_moment(TODAY - timedelta(days=plan.days_ago), plan.minutes_into_day)
        Assessment.objects.filter(pk=row.pk).update(created_at=created)
        row.created_at = created
    return stored


def brute_force(rows: list[Assessment], first: date, last: date) -> dict[str, int]:
    """Every step counted one test at a time, from the definitions in words."""
    chosen = [r for r in rows if first <= timezone.localtime(r.created_at).date() <= last]
    done = [r for r in chosen if r.completed_at is not None]
    counts = {"started": len(chosen)}
    for number in range(2, AREAS + 1):
        counts[f"area_{number}"] = sum(
            1 for r in chosen if r.completed_at is not None or r.last_step >= number - 1
        )
    counts["background"] = sum(
        1 for r in chosen if r.completed_at is not None or r.last_step >= AREAS
    )
    counts["completed"] = len(done)
    counts["consent"] = sum(
        1 for r in done if r.consent_to_contact or r.contact_requested_at is not None
    )
    counts["contact"] = sum(1 for r in done if r.contact_requested_at is not None)
    return counts


def counts_of(result: funnel.Funnel) -> dict[str, int]:
    return {step.key: step.count for step in result.steps}


@pytest.fixture
def stored_result(questionnaire) -> dict:
    return answered_assessment(questionnaire).result


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=st.lists(planned, max_size=40), period=st.tuples(st.integers(0, 60), st.integers(0, 60))
)
def test_the_funnel_equals_a_brute_force_count(questionnaire, stored_result, plans, period):
    Assessment.objects.all().delete()
    rows = store(plans, stored_result, questionnaire)
    first, last = sorted(TODAY - timedelta(days=days) for days in period)

    report = funnel.funnel_report(Assessment.objects.all(), start=first, end=last, today=TODAY)

    assert counts_of(report.total) == brute_force(rows, first, last)
    for week in report.weeks:
        assert counts_of(week.funnel) == brute_force(rows, week.monday, week.monday + timedelta(6))
    assert report.weeks[-1].monday == date(2026, 6, 15)
    for row in report.sources:
        assert counts_of(row.funnel) == brute_force(
            [r for r in rows if r.utm_source == row.source], first, last
        )
    chosen_done = [
        r.completed_at - r.created_at
        for r in rows
        if r.completed_at and first <= timezone.localtime(r.created_at).date() <= last
    ]
    assert report.total.median_completion == (
        statistics.median(chosen_done) if chosen_done else None
    )
    # Nested: no step counts more than the one before it, and drop-offs are never negative.
    for step in report.total.steps[1:]:
        assert step.previous is not None and step.count <= step.previous
        assert step.drop_off_percent is None or 0 <= step.drop_off_percent <= 100


def test_known_drop_offs(questionnaire, stored_result):
    """Ten starts: two stop on part 1, one on part 2, one on part 3, one on the background page;
    five complete, three with consent, one of them asking for contact."""
    plans = (
        [Planned(1, 600, 0, False, False, False, "", 10)] * 2
        + [Planned(1, 600, 1, False, False, False, "", 10)]
        + [Planned(1, 600, 2, False, False, False, "", 10)]
        + [Planned(1, 600, 3, False, False, False, "", 10)]
        + [Planned(1, 600, 4, True, False, False, "", minutes) for minutes in (8, 30)]
        + [Planned(1, 600, 4, True, True, False, "newsletter", minutes) for minutes in (12, 14)]
        + [Planned(1, 600, 4, True, True, True, "newsletter", 20)]
    )
    store(plans, stored_result, questionnaire)
    report = funnel.funnel_report(
        Assessment.objects.all(),  # the fixture's own test was started today, outside the period
        start=TODAY - timedelta(days=7),
        end=TODAY,
        today=TODAY,
    )
    steps = {step.key: step for step in report.total.steps}
    assert [s.count for s in report.total.steps] == [10, 8, 7, 6, 5, 3, 1]
    assert steps["area_2"].drop_off_percent == 20.0
    assert steps["completed"].drop_off_percent == round(100 / 6, 1)
    assert report.total.median_completion == timedelta(minutes=14)
    assert report.total.completion_percent == 50.0
    assert {row.source: counts_of(row.funnel)["started"] for row in report.sources} == {
        "": 7,
        "newsletter": 3,
    }


def test_the_dashboard_shows_the_funnel_for_a_chosen_period_and_refuses_a_bad_one(
    consultant_client, questionnaire
):
    answered_assessment(questionnaire, utm_source="newsletter")
    answered_assessment(questionnaire, complete=False)
    url = reverse("admin:assessments_assessment_dashboard")
    today = timezone.localdate()

    response = consultant_client.get(url)
    report = response.context["funnel"]
    assert (report.start, report.end) == (today - timedelta(days=29), today)
    assert counts_of(report.total)["started"] == 2
    assert counts_of(report.total)["completed"] == 1
    assert "newsletter" in response.content.decode()
    # The figures are cached, but a test that moves on shows at once.
    answered_assessment(questionnaire, complete=False)
    again = consultant_client.get(url).context["funnel"]
    assert counts_of(again.total)["started"] == 3

    chosen = consultant_client.get(url, {"funnel_start": "2020-01-01", "funnel_end": "2020-01-31"})
    assert chosen.status_code == 200
    assert counts_of(chosen.context["funnel"].total)["started"] == 0

    for bad in (
        {"funnel_start": "2030-02-01", "funnel_end": "2030-01-01"},
        {"funnel_start": "x", "funnel_end": "<script>"},
        {"funnel_start": "2000-01-01", "funnel_end": "2030-01-01"},
    ):
        response = consultant_client.get(url, bad)
        assert response.status_code == 200
        assert (response.context["funnel"].start, response.context["funnel"].end) == (
            today - timedelta(days=29),
            today,
        )
        assert 'class="errornote"' in response.content.decode()
