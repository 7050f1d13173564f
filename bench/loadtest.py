"""`make loadtest`: 50 simulated respondents against gunicorn on PostgreSQL, then a database outage.

Runs on this machine only (127.0.0.1). Phase 1: gunicorn with 2 workers on a PostgreSQL database of
its own, locust with 50 concurrent respondents taking the whole test for 60 s; then every test the
load tool completed is looked up in the database (it must be there with a stored result), and the
5xx responses and latencies are reported. Phase 2: the same with PostgreSQL stopped for a few
seconds in the middle: the app must recover by itself, with errors only around the outage and no
half-saved assessment.

`make loadtest-sqlite` (`--sqlite`): the default SQLite database instead, as `make run` and a small
office without PostgreSQL have it: gunicorn with 2 workers on a fresh temporary SQLite file, 12
respondents for 60 s (`--users`, `--seconds`), then the same checks, and the "database is locked"
errors counted in the server's log. It passes only with no error at all.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.live_server import (  # noqa: E402
    free_port,
    fresh_database,
    fresh_sqlite_database,
    is_ready,
    start_gunicorn,
)

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = "cx_loadtest"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
QUESTIONS = 28
GUNICORN_LOG = Path("/tmp/cx-loadtest-gunicorn.log")
# What SQLite says when a write could not get the database's lock (a 503 through
# assessments.health.DatabaseUnavailableMiddleware).
LOCKED = "database is locked"

# The tests the load tool completed (tokens) → (found stored with a result, half-saved ones).
StoredCounter = Callable[[list[str]], tuple[int, int]]


def pg_cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True
    )


def run_locust(url: str, users: int, seconds: int, prefix: str, log: Path) -> subprocess.Popen:
    log.unlink(missing_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(BASE_DIR / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            prefix,
            "--csv-full-history",
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env={**os.environ, "LOADTEST_COMPLETED_LOG": str(log)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stored_in_postgres(tokens: list[str]) -> tuple[int, int]:
    with psycopg.connect(DATABASE_URL) as db:
        stored = db.execute(
            "SELECT count(*) FROM assessments_assessment "
            "WHERE token = ANY(%s) AND result IS NOT NULL AND completed_at IS NOT NULL",
            [tokens],
        ).fetchone()[0]
        half_saved = db.execute(
            "SELECT count(*) FROM assessments_assessment a WHERE a.completed_at IS NOT NULL AND "
            "(a.result IS NULL OR (SELECT count(*) FROM assessments_answer w "
            "WHERE w.assessment_id = a.id) <> %s)",
            [QUESTIONS],
        ).fetchone()[0]
    return stored, half_saved


def stored_in_sqlite(path: Path) -> StoredCounter:
    def count(tokens: list[str]) -> tuple[int, int]:
        with sqlite3.connect(path, timeout=30) as db:
            stored = db.execute(
                "SELECT count(*) FROM assessments_assessment "
                "WHERE token IN (SELECT value FROM json_each(?)) "
                "AND result IS NOT NULL AND completed_at IS NOT NULL",
                [json.dumps(tokens)],
            ).fetchone()[0]
            half_saved = db.execute(
                "SELECT count(*) FROM assessments_assessment a WHERE a.completed_at IS NOT NULL "
                "AND (a.result IS NULL OR (SELECT count(*) FROM assessments_answer w "
                "WHERE w.assessment_id = a.id) <> ?)",
                [QUESTIONS],
            ).fetchone()[0]
        return stored, half_saved

    return count


def locked_errors(log: Path) -> int:
    """How many requests failed on a locked SQLite database, from the server's log."""
    if not log.exists():
        return 0
    return sum(
        1
        for line in log.read_text(errors="replace").splitlines()
        if line.startswith("django.db.utils.OperationalError") and LOCKED in line
    )


def summary(prefix: str, log: Path, stored_counter: StoredCounter = stored_in_postgres) -> dict:
    with open(f"{prefix}_stats.csv") as f:
        total = next(row for row in csv.DictReader(f) if row["Name"] == "Aggregated")
    server_errors = 0
    with open(f"{prefix}_failures.csv") as f:
        for row in csv.DictReader(f):
            if "Server Error" in row["Error"] or "50" in row["Error"][:30]:
                server_errors += int(row["Occurrences"])
    failure_seconds = []
    with open(f"{prefix}_stats_history.csv") as f:
        previous = 0
        for row in csv.DictReader(f):
            if row["Name"] != "Aggregated":
                continue
            failures = int(row["Total Failure Count"])
            if failures > previous:
                failure_seconds.append(int(row["Timestamp"]))
            previous = failures
    tokens = log.read_text().split() if log.exists() else []
    stored, half_saved = stored_counter(tokens)
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "server_errors": server_errors,
        "p50_ms": total["50%"],
        "p95_ms": total["95%"],
        "completed_by_tool": len(tokens),
        "completed_in_db": stored,
        "half_saved": half_saved,
        "failure_seconds": failure_seconds,
    }


def run_sqlite(users: int, seconds: int) -> int:
    """The default SQLite database under `users` concurrent respondents: no error at all."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "SECRET_KEY": "loadtest-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        # One address plays every respondent; the limits are tested elsewhere.
        "RATELIMIT_ENABLE": "0",
    }
    # As `make run` has it: no Redis, no PostgreSQL.
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="cx-loadtest-sqlite-") as folder:
        path = Path(folder) / "db.sqlite3"
        env["DATABASE_URL"] = fresh_sqlite_database(path, env)
        GUNICORN_LOG.unlink(missing_ok=True)
        # --capture-output: the app's own log (the errors' tracebacks) goes to the error log too.
        server = start_gunicorn(
            env,
            port,
            2,
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(GUNICORN_LOG),
            "--capture-output",
        )
        log = Path("/tmp/cx-loadtest-sqlite-completed.txt")
        try:
            if not is_ready(url):
                raise SystemExit(f"{url} did not become ready")
            print(
                f"{users} respondents for {seconds} s against {url} "
                f"(gunicorn, 2 workers, SQLite at {path})"
            )
            run_locust(url, users, seconds, "/tmp/cx-load-sqlite", log).wait()
        finally:
            server.terminate()
            server.wait(timeout=30)
        figures = summary("/tmp/cx-load-sqlite", log, stored_in_sqlite(path))
    figures["locked"] = locked_errors(GUNICORN_LOG)
    report("sqlite", figures)
    print(f"  errors {LOCKED!r} in the server's log: {figures['locked']} ({GUNICORN_LOG})")
    good = (
        ok(figures)
        and figures["failures"] == 0
        and figures["server_errors"] == 0
        and figures["locked"] == 0
        and figures["completed_by_tool"] > 0
    )
    print("RESULT:", "PASS" if good else "FAIL")
    return 0 if good else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sqlite", action="store_true", help="the default SQLite database")
    parser.add_argument("--users", type=int, help="50 on PostgreSQL, 12 on SQLite")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--outage-at", type=int, default=20, help="seconds into phase 2")
    parser.add_argument("--outage-seconds", type=int, default=5)
    parser.add_argument("--skip-outage", action="store_true")
    args = parser.parse_args()
    if args.sqlite:
        return run_sqlite(args.users or 12, args.seconds)
    args.users = args.users or 50

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "DEBUG": "0",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "SECRET_KEY": "loadtest-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        # One address plays all 50 respondents; the limits are tested elsewhere.
        "RATELIMIT_ENABLE": "0",
        "DB_POOL_TIMEOUT": "5",
    }
    fresh_database(PG_ADMIN, DATABASE, env)
    server = start_gunicorn(
        env,
        port,
        2,
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        str(GUNICORN_LOG),
    )
    log = Path("/tmp/cx-loadtest-completed.txt")
    try:
        if not is_ready(url):
            raise SystemExit(f"{url} did not become ready")
        print(
            f"Phase 1: {args.users} respondents for {args.seconds} s against {url} "
            "(gunicorn, 2 workers, PostgreSQL)"
        )
        run_locust(url, args.users, args.seconds, "/tmp/cx-load-steady", log).wait()
        steady = summary("/tmp/cx-load-steady", log)
        report("steady", steady)

        if args.skip_outage:
            return 0 if steady["server_errors"] == 0 and ok(steady) else 1
        print(
            f"Phase 2: the same, PostgreSQL stopped {args.outage_at} s in "
            f"for {args.outage_seconds} s"
        )
        started = int(time.time())
        locust = run_locust(url, args.users, args.seconds, "/tmp/cx-load-outage", log)
        time.sleep(args.outage_at)
        outage_start = int(time.time())
        pg_cluster("stop")
        time.sleep(args.outage_seconds)
        pg_cluster("start")
        outage_end = int(time.time())
        locust.wait()
        outage = summary("/tmp/cx-load-outage", log)
        report("outage", outage)
        # Errors may trail the restart by the pool's timeout while connections are replaced.
        grace = 10
        outside = [
            t for t in outage["failure_seconds"] if not outage_start - 1 <= t <= outage_end + grace
        ]
        print(
            f"  outage window: {outage_start - started}–{outage_end - started} s; "
            f"seconds with new failures: {[t - started for t in outage['failure_seconds']]}; "
            f"outside the window (+{grace} s): {len(outside)}"
        )
        urllib.request.urlopen(f"{url}/readyz", timeout=5)  # noqa: S310 (loopback)
        print("  after the outage /readyz answers 200: the app recovered by itself")
        good = ok(steady) and steady["server_errors"] == 0 and ok(outage) and not outside
        print("RESULT:", "PASS" if good else "FAIL")
        return 0 if good else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


def ok(figures: dict) -> bool:
    return figures["completed_in_db"] == figures["completed_by_tool"] and figures["half_saved"] == 0


def report(phase: str, f: dict) -> None:
    print(
        f"  [{phase}] requests {f['requests']}, failures {f['failures']}, 5xx {f['server_errors']},"
        f" p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms; tests completed by the tool "
        f"{f['completed_by_tool']}, found in the database with a stored result "
        f"{f['completed_in_db']}; half-saved assessments {f['half_saved']}"
    )


if __name__ == "__main__":
    sys.exit(main())
