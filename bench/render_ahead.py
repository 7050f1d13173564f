"""`make bench`'s "download 10 s after completion" figure: with the task worker running
(`manage.py db_worker`, as `make run` and compose start it), tests are completed one after
another and each report is downloaded from gunicorn 10 seconds after its test was completed.

What a respondent relies on is that the download is then served from the report cache (the
worker rendered it meanwhile), not rendered while they wait: the figure is the downloads'
latency (p95 against 50 ms) and how many of them found their report already in the cache.
Runs in bench/bench.py's own process (Django set up on the bench's settings and database).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.driver import MeasureError, Visitor
from tests.live_server import stop

ROOT = Path(__file__).resolve().parent.parent
DELAY_SECONDS = 10.0  # from a test's completion to its download
SPACING_SECONDS = 2.0  # between two completions: a busy hour's pace, far above a real one


@dataclass(frozen=True)
class AheadFigures:
    latencies_ms: list[float]
    cached_before: int  # downloads whose report was in the cache when they were asked for

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)


def _complete_one(number: int):  # -> Assessment
    """A test answered and completed through the services, as the last page's Next does: its
    completion enqueues the report's render once committed."""
    from assessments import selectors, services
    from assessments.models import Assessment, QuestionnaireVersion

    version = QuestionnaireVersion.objects.current()
    assessment = Assessment.objects.create(
        version=version, organisation=f"Ennakkoon Oy {number}", language="fi"
    )
    choices = {}
    for area in selectors.areas_with_questions(version):
        for index, question in enumerate(area.questions.all()):
            choices[question] = question.options.get(value=1 + (index + number) % 5)
    services.answers_save(assessment=assessment, choices=choices)
    services.assessment_complete(assessment=assessment)
    return Assessment.objects.get(pk=assessment.pk)


def _in_cache(assessment) -> bool:
    from django.core.files.storage import default_storage

    from assessments.report import cache

    return default_storage.exists(cache.cache_name(assessment, assessment.language))


def measure(port: int, env: dict[str, str], workdir: Path, count: int) -> AheadFigures:
    """Complete `count` tests SPACING_SECONDS apart with a worker running; download each report
    DELAY_SECONDS after its completion."""
    log = (workdir / "db_worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(2)  # the worker's start (Django's set-up)
        if worker.poll() is not None:
            raise MeasureError(f"manage.py db_worker stopped at start (see {log.name})")
        events: list[tuple[float, str, int]] = []
        for number in range(count):
            events.append((number * SPACING_SECONDS, "complete", number))
            events.append((number * SPACING_SECONDS + DELAY_SECONDS, "download", number))
        events.sort()
        completed: dict[int, object] = {}
        due: dict[int, float] = {}
        latencies: list[float] = []
        cached = 0
        started = time.monotonic()
        for at, what, number in events:
            wait = (due[number] if what == "download" else started + at) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if what == "complete":
                completed[number] = _complete_one(number)
                due[number] = time.monotonic() + DELAY_SECONDS
                continue
            assessment = completed[number]
            cached += _in_cache(assessment)
            visitor = Visitor(port)
            visitor.connection.connect()  # connecting is not the download's time
            began = time.perf_counter()
            response = visitor.get(f"/results/{assessment.token}/report.pdf", expect=200)
            latencies.append((time.perf_counter() - began) * 1000)
            visitor.close()
            if not response.body.startswith(b"%PDF"):
                raise MeasureError("a report download after completion is not a PDF")
        return AheadFigures(latencies, cached)
    finally:
        stop(worker)
        log.close()
