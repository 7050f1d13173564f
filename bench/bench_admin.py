"""Benchmark: the admin's assessment list with 10,000 and with 100,000 assessments.

Runs against PostgreSQL (BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432) in one
database of its own per size (prefix BENCH_DB, default cx_bench: cx_bench_10000 and
cx_bench_100000), created when missing and kept for the next run (--fresh starts over). It fills
each with `seed_demo` data, then times the list page as a consultant sees it, through the whole
Django stack (middleware, admin, template), and counts its queries.

Targets: at most 300 ms at each size, and 100k / 10k at most 1.5. Exit status 1 if one is missed.

    make bench-admin            # or: .venv/bin/python bench/bench_admin.py [--fresh] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from io import StringIO
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 100_000)
TARGET_MS = 300.0
TARGET_RATIO = 1.5
ABANDONED_SHARE = 0.05  # as on a real site, some tests are left unfinished
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_DB", "cx_bench")


def database_name(size: int) -> str:
    return f"{PREFIX}_{size}"


def prepare_databases(fresh: bool) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        for size in SIZES:
            name = sql.Identifier(database_name(size))
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(size)]
            ).fetchone()
            if exists and fresh:
                connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
                exists = None
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def use_database(size: int) -> None:
    """Point Django's default connection at this size's database, migrated and loaded."""
    from django.core.management import call_command
    from django.db import connections

    connection = connections["default"]
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()  # the pool's connections point at the previous database
    connection.settings_dict["NAME"] = database_name(size)
    call_command("migrate", verbosity=0)
    call_command("load_questionnaire", stdout=StringIO())


def configure_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{database_name(SIZES[0])}"
    # Production-like settings, minus what needs a real host: no HTTPS redirect, no manifest.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["HTTPS"] = "0"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cxmaturity.settings"
    # WhiteNoise notes that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill_to(size: int) -> None:
    from assessments.demo import create_demo_assessments
    from assessments.models import Assessment, QuestionnaireVersion

    missing = size - Assessment.objects.count()
    if missing <= 0:
        return
    abandoned = int(missing * ABANDONED_SHARE)
    started = time.monotonic()
    print(f"  adding {missing:,} demo assessments …", flush=True)
    create_demo_assessments(
        QuestionnaireVersion.objects.current(),
        missing - abandoned,
        abandoned=abandoned,
        seed=size,
        batch_size=2000,
    )
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def consultant():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    users = get_user_model().objects
    if not users.filter(username="bench-consultant").exists():
        call_command(
            "create_consultant", "bench-consultant", random_password=True, stdout=StringIO()
        )
    return users.get(username="bench-consultant")


def measure(url: str, runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Assessment

    client = Client()
    client.force_login(consultant())
    for _ in range(3):  # warm up: connections, caches, templates
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "median": statistics.median(times),
        "p90": sorted(times)[int(0.9 * (len(times) - 1))],
        "queries": len(queries),
        "rows": Assessment.objects.count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the databases")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per size")
    args = parser.parse_args()

    prepare_databases(args.fresh)
    configure_django()
    from django.urls import reverse

    url = reverse("admin:assessments_assessment_changelist")
    results = {}
    for size in SIZES:
        print(f"{size:,} assessments (database {database_name(size)})", flush=True)
        use_database(size)
        fill_to(size)
        results[size] = measure(url, args.runs)
        r = results[size]
        print(
            f"  list page {url}: median {r['median']:.1f} ms, p90 {r['p90']:.1f} ms, "
            f"{r['queries']} queries ({r['rows']:,} assessments)",
            flush=True,
        )

    small, large = (results[size]["median"] for size in SIZES)
    ratio = large / small
    failures = [
        f"{size:,}: {results[size]['median']:.1f} ms > {TARGET_MS:.0f} ms"
        for size in SIZES
        if results[size]["median"] > TARGET_MS
    ]
    if ratio > TARGET_RATIO:
        failures.append(f"ratio {ratio:.2f} > {TARGET_RATIO}")
    print(f"\n100k / 10k = {ratio:.2f} (target ≤ {TARGET_RATIO}), each ≤ {TARGET_MS:.0f} ms")
    print("FAILED: " + "; ".join(failures) if failures else "All targets met.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
