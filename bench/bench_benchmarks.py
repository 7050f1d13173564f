"""Benchmark: the results page with its peer comparison at 10,000 and 100,000 assessments.

Runs against PostgreSQL (BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432) in one
database per size named by BENCH_DB (default i15bench: i15bench_10000 and i15bench_100000),
created, migrated and filled with `seed_demo` data when missing, as bench/bench_admin.py does,
and kept for the next run (--fresh starts over). Demo data is what fills them, so the benchmark
counts it here (BENCHMARK_INCLUDE_DEMO=1) and the distributions are rebuilt once after filling.

The page is one completed result's, for an anonymous visitor, compared with everyone and with
its industry, and its retake's (made on the first run), which also shows the change since the
result and its measurement error, through the whole Django stack (test client, in-process).
The two sizes are timed in turns so that the machine's noise falls on both alike; each figure is
the median of all its requests, with this process's CPU time beside it (on shared cores the wall
time also holds the wait for a core), and the load average is printed before and after.

Targets: a median of at most 50 ms at each size, and 100k / 10k at most 1.5. Exit status 1 if
one is missed.

    .venv/bin/python bench/bench_benchmarks.py [--fresh] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("BENCH_DB", "i15bench")
os.environ["BENCHMARK_INCLUDE_DEMO"] = "1"

from bench import bench_admin  # noqa: E402

TARGET_MS = 50.0
TARGET_RATIO = 1.5
BLOCKS = 6


def timed(client, url: str, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of each request, after two to warm up. The CPU time is this
    process's own (Django, the template, the benchmark's arithmetic; not PostgreSQL's): on a
    machine whose cores are shared, the wall time also holds the wait for a core."""
    for _ in range(2):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        assert response.status_code == 200, response.status_code
    return times


def switch_to(size: int) -> None:
    from django.db import connections

    connection = connections["default"]
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()
    connection.settings_dict["NAME"] = bench_admin.database_name(size)


def prepare(size: int) -> dict[str, str]:
    """The database migrated, filled and its distributions built; the page's addresses."""
    from assessments.benchmarks.models import Entry
    from assessments.benchmarks.services import distributions_rebuild
    from assessments.models import Assessment

    bench_admin.use_database(size)
    bench_admin.fill_to(size)
    completed = Assessment.objects.completed().count()
    if Entry.objects.count() != completed:
        started = time.monotonic()
        print(f"  rebuilding the benchmark from {completed:,} results …", file=sys.stderr)
        distributions_rebuild()
        print(f"  done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    result = Assessment.objects.completed().demo().exclude(industry="").order_by("-pk").first()
    if result is None:
        raise SystemExit(f"no completed assessment in {bench_admin.database_name(size)}")
    again = retaken(result)
    return {
        "everyone": f"/en/results/{result.token}/",
        "industry": f"/en/results/{result.token}/?compare=industry",
        "retake": f"/en/results/{again.token}/",
    }


def retaken(result):
    """The result's completed retake (made on the first run): a page with the change since the
    previous result and its measurement error as well as the comparison."""
    from assessments import selectors as core_selectors
    from assessments import services as core_services
    from assessments.benchmarks.models import SeriesMember
    from assessments.benchmarks.services import retake_start

    member = SeriesMember.objects.filter(retake_of=result).select_related("assessment").first()
    again = member.assessment if member else retake_start(assessment=result, language="en")
    if not again.is_completed:
        rng = random.Random(result.pk)
        choices = {
            question: rng.choice(list(question.options.all()))
            for area in core_selectors.areas_with_questions(again.version)
            for question in area.questions.all()
        }
        core_services.answers_save(assessment=again, choices=choices)
        core_services.assessment_complete(assessment=again)
    return again


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60, help="timed requests per page and size")
    parser.add_argument("--fresh", action="store_true", help="drop and refill the databases")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    bench_admin.prepare_databases(fresh=args.fresh)
    bench_admin.configure_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages: dict[int, dict[str, str]] = {}
    for size in bench_admin.SIZES:
        print(f"  {size:,} assessments ({bench_admin.database_name(size)})", file=sys.stderr)
        pages[size] = prepare(size)
    times: dict[int, dict[str, list[tuple[float, float]]]] = {
        size: {page: [] for page in urls} for size, urls in pages.items()
    }
    per_block = max(1, -(-args.runs // BLOCKS))
    for _ in range(BLOCKS):
        for size, urls in pages.items():
            switch_to(size)
            for page, url in urls.items():
                times[size][page] += timed(Client(), url, per_block)

    failed = False
    medians: dict[tuple[int, str], float] = {}
    for size, urls in pages.items():
        switch_to(size)
        for page, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                html = Client().get(url).content.decode()
            values = sorted(wall for wall, _ in times[size][page])
            cpu = statistics.median(cpu for _, cpu in times[size][page])
            median = medians[(size, page)] = statistics.median(values)
            shows_band = "organisations." in html
            shows_change = "progress-since" in html
            print(
                f"results page, {page:>8}, {size:>7,} assessments: median {median:5.1f} ms, "
                f"p90 {values[int(0.9 * (len(values) - 1))]:5.1f} ms, CPU {cpu:5.1f} ms, "
                f"{len(queries)} queries, band shown: {shows_band}, change shown: {shows_change}"
            )
            if median > TARGET_MS:
                print(f"  over the {TARGET_MS:.0f} ms target")
                failed = True
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    small, large = bench_admin.SIZES
    for page in pages[small]:
        ratio = medians[(large, page)] / medians[(small, page)]
        cpu_ratio = statistics.median(cpu for _, cpu in times[large][page]) / statistics.median(
            cpu for _, cpu in times[small][page]
        )
        print(f"results page, {page:>8}: 100k / 10k = {ratio:.2f} (CPU time {cpu_ratio:.2f})")
        if ratio > TARGET_RATIO:
            print(f"  over the {TARGET_RATIO} target")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
