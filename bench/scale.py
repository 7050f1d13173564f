"""The admin list and the results page at 10,000 and 100,000 assessments, for `make bench --scale`.

Run as `python -m bench.scale` by bench/bench.py. It reuses bench/bench_admin.py: the same
PostgreSQL databases (cx_bench_10000 and cx_bench_100000 on BENCH_POSTGRES, made and filled with
seed_demo data on the first run, minutes for 100,000, and kept for the next), the same
production-like settings and the same consultant, with the pages timed through the whole Django
stack (test client, in-process). The results page is one completed assessment's, for an anonymous
visitor.

The two sizes are timed in turns (a block of requests on 10,000, then on 100,000, and again), so
that the machine's noise falls on both alike; each figure is the median of all its requests.
Prints one JSON line for bench/bench.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

from bench import bench_admin  # noqa: E402

MARK = "BENCH-JSON "
BLOCKS = 6  # turns per size


def switch_to(size: int) -> None:
    """Point the default connection at this size's database (migrated and filled already)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()
    connection.settings_dict["NAME"] = bench_admin.database_name(size)


def prepare(size: int) -> dict:
    """The database migrated and filled; this size's clients and addresses."""
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Assessment

    bench_admin.use_database(size)
    # bench_admin prints its progress to standard output, which carries the result here.
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        bench_admin.fill_to(size)
    finally:
        sys.stdout = stdout
    consultant = Client()
    consultant.force_login(bench_admin.consultant())
    completed = Assessment.objects.filter(completed_at__isnull=False).order_by("-pk").first()
    if completed is None:
        raise SystemExit(f"no completed assessment in {bench_admin.database_name(size)}")
    return {
        "admin": (consultant, reverse("admin:assessments_assessment_changelist")),
        "results": (Client(), f"/results/{completed.token}/"),
        "rows": Assessment.objects.count(),
    }


def timed(client, url: str, runs: int) -> list[float]:
    for _ in range(2):  # warm up after the switch: connection, caches
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and size")
    args = parser.parse_args()
    bench_admin.prepare_databases(fresh=False)
    bench_admin.configure_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = ("admin", "results")
    sizes = {}
    for size in bench_admin.SIZES:
        print(f"  {size:,} assessments ({bench_admin.database_name(size)})", file=sys.stderr)
        sizes[size] = prepare(size)
    times: dict[int, dict[str, list[float]]] = {size: {p: [] for p in pages} for size in sizes}
    per_block = max(1, -(-args.runs // BLOCKS))
    for _ in range(BLOCKS):
        for size, prepared in sizes.items():
            switch_to(size)
            for page in pages:
                client, url = prepared[page]
                times[size][page] += timed(client, url, per_block)
    figures: dict[str, dict] = {}
    for size, prepared in sizes.items():
        switch_to(size)
        figures[str(size)] = {"rows": prepared["rows"]}
        for page in pages:
            client, url = prepared[page]
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            values = sorted(times[size][page])
            figures[str(size)][page] = {
                "median": statistics.median(values),
                "p90": values[int(0.9 * (len(values) - 1))],
                "queries": len(queries),
            }
    print(MARK + json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
