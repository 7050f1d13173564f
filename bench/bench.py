"""`make bench`: the app's speed against the bare framework, in one run and one table.

On data of its own (never db.sqlite3): a fresh PostgreSQL database `cx_bench_http` on the server
that DATABASE_URL names when it names one, else a temporary SQLite file; migrated, the
questionnaire loaded, `seed_demo` assessments, a consultant (staff) for the admin and one
completed assessment whose PDF is downloaded once, so that it is cached, before anything is timed.

gunicorn serves it as production would (2 workers, the project's gunicorn.conf.py, DEBUG=0, a
bench-only SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the manifest static storage over a collectstatic
of its own) with one addition: `DJANGO_SETTINGS_MODULE=bench.settings` adds `/__bench__/bare`, a
view that answers a short text through the whole middleware stack, the floor every page is
compared with. HTTPS is off (plain HTTP on 127.0.0.1) and the rate limits are raised far above
what the run sends (their checks still run): one address plays every visitor.

It measures, then prints one table (each figure, its ratio to the bare view or to its target, the
target, met or not):

1. throughput and latency, over HTTP: `--threads` client threads (4) on keep-alive connections
   send one row's request back to back for `--seconds` (1.0), row after row (bare, landing, area
   GET, area POST autosave, results, cached PDF, admin list), `--rounds` times (8), so that the
   machine's noise hits every row alike. Throughput is the median of a row's rounds; its ratio
   to the bare view is the median of the ratios within each round; p50/p95 over every request;
2. queries per request for each row, in-process (Django's test client and
   CaptureQueriesContext on the same database), apart from the timed run;
3. what a first-time visitor downloads before the first question (bench/pages.py), and whether
   the first area page needs JavaScript;
4. a cold PDF render (no cache) beside the same report's words in an unstyled document, plain
   WeasyPrint (bench/bench_pdf.py's floor), timed in turns;
5. a render worker's memory after `--renders` renders (200; 1,000 is the target's count), in a
   fresh process (bench/render_worker.py), with the growth per render and its extrapolation;
6. with `--scale` (PostgreSQL only, minutes the first time): the admin list and the results page
   at 10,000 and 100,000 assessments (bench/scale.py over bench/bench_admin.py's databases).

Every figure is reported, met or not. The exit status is 1 only when something could not be
measured (a server that does not start, a request that fails), else 0. `--profile` ends with a
pyinstrument profile of one in-process request of the slowest page (or `--profile ROW`).

    make bench                          # or: .venv/bin/python bench/bench.py [options]
    make bench BENCH_ARGS="--scale --renders 1000"
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path, where this file would hide the package.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench import BARE_PATH, driver, pages, render_ahead  # noqa: E402
from bench.bench_pdf import in_turns, make_assessment, words_only  # noqa: E402
from bench.driver import Call, MeasureError, Visitor  # noqa: E402
from tests.live_server import (  # noqa: E402
    drop_database,
    free_port,
    fresh_database,
    fresh_sqlite_database,
    is_ready,
    start_gunicorn,
    stop,
)

# The environment as the caller gave it; this process takes the bench's settings into its own.
CALLER_ENV = dict(os.environ)
BENCH_DATABASE = "cx_bench_http"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
STAFF = "bench-staff"
WORKERS = 2
MARK = "BENCH-JSON "

BARE = "bare view"
LANDING = "landing"
AREA_GET = "area GET"
AUTOSAVE = "area POST autosave"
NEXT = "area POST Next"
RESULTS = "results"
PDF = "cached PDF"
ADMIN = "admin list"
TIMED_ROWS = (BARE, LANDING, AREA_GET, AUTOSAVE, RESULTS, PDF, ADMIN)
# Throughput as a share of the bare view's (issue "Fast to the limit").
THROUGHPUT_TARGETS = {
    LANDING: 0.3,
    AREA_GET: 0.15,
    AUTOSAVE: 0.1,
    RESULTS: 0.2,
    PDF: 0.5,
    ADMIN: 0.05,
}
# Queries per request: a public page view, a submit (the area form, by script or by Next).
QUERY_TARGETS = {LANDING: 3, AREA_GET: 3, RESULTS: 3, PDF: 3, AUTOSAVE: 8, NEXT: 8}
KB = 1024
BYTES_TARGET = 25 * KB
PDF_RATIO_TARGET = 1.5
MEMORY_TARGET = 50 * 2**20  # over 1,000 renders
SCALE_TARGET = 1.5
AHEAD_P95_TARGET_MS = 50.0  # a download 10 s after completion, with the worker running


@dataclass
class Row:
    figure: str
    measured: str
    ratio: str = "—"
    target: str = "—"
    met: bool | None = None


# --- set-up ----------------------------------------------------------------------------------


def server_env(workdir: Path) -> dict[str, str]:
    """Production settings for gunicorn and for this process, on the bench's own files."""
    env = {key: value for key, value in CALLER_ENV.items() if key != "REDIS_URL"}
    env.update(
        {
            "CX_BENCH": "1",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-" + secrets.token_urlsafe(32),
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "0",
            "STATIC_MANIFEST": "1",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "STORAGE_BACKEND": "django.core.files.storage.FileSystemStorage",
            # One address plays every visitor: limits far above the run, still checked.
            "RATE_LIMIT_START": "100000/h",
            "RATE_LIMIT_SUBMIT": "100000000/h",
            "GUNICORN_WORKERS": str(WORKERS),
        }
    )
    return env


def postgres_server() -> str | None:
    """The PostgreSQL server that DATABASE_URL names (without its database), if it names one."""
    url = CALLER_ENV.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://", "psql://")):
        return None
    parts = urlsplit(url)
    return urlunsplit(("postgres", parts.netloc, "", "", ""))


def make_database(env: dict[str, str], workdir: Path, seed_count: int, figures: dict) -> str:
    """A fresh database for the run in env["DATABASE_URL"]; its description."""
    server = postgres_server()
    try:
        if server:
            env["DATABASE_URL"] = f"{server}/{BENCH_DATABASE}"
            figures["drop_from"] = f"{server}/postgres"  # made (or half made): dropped after
            fresh_database(f"{server}/postgres", BENCH_DATABASE, env)
            where = f"PostgreSQL {BENCH_DATABASE} on {urlsplit(server).hostname}"
        else:
            env["DATABASE_URL"] = fresh_sqlite_database(workdir / "bench.sqlite3", env)
            where = f"SQLite {workdir / 'bench.sqlite3'}"
        if seed_count:
            subprocess.run(
                [sys.executable, "manage.py", "seed_demo", "--count", str(seed_count), "--seed=1"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=1800,
            )
    except (subprocess.CalledProcessError, psycopg.Error) as error:
        output = getattr(error, "stderr", b"") or b""
        detail = output.decode(errors="replace")[-2000:]
        raise MeasureError(f"could not prepare the database: {error}\n{detail}") from error
    return where


def prepare_in_process(env: dict[str, str]) -> dict:
    """This process on the same settings and database: a consultant and a completed test."""
    os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    password = secrets.token_urlsafe(18)
    call_command("create_consultant", STAFF, password=password, stdout=StringIO())
    assessment = make_assessment()  # bench_pdf's: completed, with every part of the report
    connections.close_all()
    return {
        "password": password,
        "assessment": assessment,
        "admin_path": reverse("admin:assessments_assessment_changelist"),
        "results_path": f"/results/{assessment.token}/",
        "pdf_path": f"/results/{assessment.token}/report.pdf",
    }


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- HTTP ------------------------------------------------------------------------------------


def http_rows(port: int, setup: dict, threads: int) -> tuple[dict[str, list[Call]], float]:
    """Each row's request for each client thread, from real sessions; and the first (rendering)
    download of the cached PDF, in seconds."""
    base = {"Host": f"127.0.0.1:{port}", "Accept-Encoding": "br, gzip"}
    origin = f"http://127.0.0.1:{port}"
    respondents = []
    for _ in range(threads):
        # Each thread is a respondent with a test of its own (no row lock shared between them).
        visitor = Visitor(port)
        landing = visitor.get("/", expect=200)
        started = visitor.post_form(
            "/start/", [("csrfmiddlewaretoken", driver.csrf_token(landing.text))], expect=302
        )
        area = driver.location_path(started)
        page = visitor.get(area, expect=200)
        options = driver.area_options(page.text)
        token = driver.csrf_token(page.text)
        first, *others = options.items()
        bodies = []
        for value in first[1][:2]:  # each autosave changes the first answer, as a click does
            fields = [("csrfmiddlewaretoken", token), (first[0], value)]
            fields += [(question, values[0]) for question, values in others]
            fields.append(("autosave", "1"))
            body, content_type = driver.multipart(fields)
            bodies.append(body)
        respondents.append((area, visitor.cookie_header(), tuple(bodies), content_type))
        visitor.close()

    staff = Visitor(port)
    login = staff.get("/admin/login/", expect=200)
    staff.post_form(
        "/admin/login/",
        [
            ("csrfmiddlewaretoken", driver.csrf_token(login.text)),
            ("username", STAFF),
            ("password", setup["password"]),
            ("next", setup["admin_path"]),
        ],
        expect=302,
    )
    staff.get(setup["admin_path"], expect=200)
    staff.close()

    # The report is rendered and stored once, before anything is timed.
    first_download = Visitor(port)
    started_at = time.perf_counter()
    report = first_download.get(setup["pdf_path"], expect=200)
    rendered = time.perf_counter() - started_at
    if not report.body.startswith(b"%PDF"):
        raise MeasureError("the report download is not a PDF")
    first_download.close()

    def cookie(index: int) -> dict[str, str]:
        return {**base, "Cookie": respondents[index][1]}

    rows = {
        BARE: [Call("GET", BARE_PATH, base)] * threads,
        # A first visit: no cookies.
        LANDING: [Call("GET", "/", base)] * threads,
        AREA_GET: [Call("GET", r[0], cookie(i)) for i, r in enumerate(respondents)],
        AUTOSAVE: [
            Call(
                "POST",
                r[0],
                {
                    **cookie(i),
                    "Content-Type": r[3],
                    "Origin": origin,
                    "Referer": origin + r[0],
                    "X-Requested-With": "fetch",
                },
                bodies=r[2],
                expect=204,
            )
            for i, r in enumerate(respondents)
        ],
        RESULTS: [Call("GET", setup["results_path"], cookie(i)) for i in range(threads)],
        PDF: [Call("GET", setup["pdf_path"], cookie(i)) for i in range(threads)],
        ADMIN: [Call("GET", setup["admin_path"], {**base, "Cookie": staff.cookie_header()})]
        * threads,
    }
    return rows, rendered


# --- in-process ------------------------------------------------------------------------------


class InProcess:
    """Each row's request through Django's test client, on the same settings and database."""

    def __init__(self, setup: dict) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client

        # django-axes notes every sign-in at INFO; the consultant's force_login is no news.
        logging.getLogger("axes").setLevel(logging.WARNING)
        self.setup = setup
        self.host = {"HTTP_HOST": "127.0.0.1"}
        self.anonymous = Client(**self.host)
        self.respondent = Client(**self.host)
        self.respondent.get("/")
        started = self.respondent.post("/start/")
        assert started.status_code == 302, started.status_code
        self.area = urlsplit(started["Location"]).path
        page = self.respondent.get(self.area)
        options = driver.area_options(page.content.decode())
        self.answers = {question: values[0] for question, values in options.items()}
        self.staff = Client(**self.host)
        self.staff.force_login(get_user_model().objects.get(username=STAFF))

    def request(self, row: str):
        if row in (BARE, LANDING):
            # A first visit: no cookies. The same client (a new one would load the middleware
            # again, WhiteNoise's scan of the static files included, which a server does once).
            self.anonymous.cookies.clear()
            return self.anonymous.get(BARE_PATH if row == BARE else "/"), 200
        if row == AREA_GET:
            return self.respondent.get(self.area), 200
        if row == AUTOSAVE:  # multipart, as the script's FormData
            return self.respondent.post(self.area, {**self.answers, "autosave": "1"}), 204
        if row == NEXT:
            return self.respondent.post(self.area, {**self.answers, "next": ""}), 302
        if row == RESULTS:
            return self.respondent.get(self.setup["results_path"]), 200
        if row == PDF:
            return self.respondent.get(self.setup["pdf_path"]), 200
        if row == ADMIN:
            return self.staff.get(self.setup["admin_path"]), 200
        raise ValueError(row)

    def checked(self, row: str):
        response, expected = self.request(row)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        if response.status_code != expected:
            raise MeasureError(f"in-process {row} answered {response.status_code}, not {expected}")
        return response

    def queries(self) -> dict[str, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = {}
        self.sql: dict[str, list[str]] = {}
        # Next is counted on its first send, as a respondent sends it once per page; the others
        # after one request like it, as the timed run sends them over and over.
        for row in (*TIMED_ROWS, NEXT):
            if row != NEXT:
                self.checked(row)
            with CaptureQueriesContext(connection) as captured:
                self.checked(row)
            counts[row] = len(captured)
            self.sql[row] = [query["sql"] for query in captured.captured_queries]
        return counts


def pdf_ratio(setup: dict, runs: int) -> dict:
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    from assessments.report import build, document, pdf

    assessment = setup["assessment"]
    language = assessment.language or "fi"
    with translation.override(language):
        words = words_only(
            render_to_string(
                pdf.TEMPLATE, document.report_context(assessment, build.build_report(assessment))
            )
        )
    timed = in_turns(
        {
            "report": lambda: pdf.render_report_pdf(assessment, language),
            "words": lambda: HTML(string=words).write_pdf(),
        },
        max(runs, 3),
    )
    text = words.split("<body>", 1)[1]
    word_count = len(re.sub(r"<[^>]+>", " ", text).split())
    return {"report_ms": timed["report"][0], "words_ms": timed["words"][0], "words": word_count}


def run_helper(module: str, args: list[str], env: dict[str, str]) -> dict:
    """Run `python -m module`, passing its progress through; its JSON result."""
    process = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = process.stdout.splitlines()
    found = [line[len(MARK) :] for line in lines if line.startswith(MARK)]
    if process.returncode or not found:
        raise MeasureError(f"{module} failed (exit {process.returncode}): {process.stdout[-2000:]}")
    return json.loads(found[-1])


def profile(inprocess: InProcess, row: str, requests: int, lines: int) -> None:
    """Where one page's time goes: `requests` in-process requests under pyinstrument (enough
    samples to rank frames), after one untimed request."""
    from pyinstrument import Profiler

    inprocess.checked(row)
    profiler = Profiler()
    with profiler:
        for _ in range(requests):
            inprocess.checked(row)
    session = profiler.last_session
    print(
        f"\nProfile: {row}, {requests} in-process requests (pyinstrument), "
        f"{session.duration if session else 0:.2f} s in all"
    )
    sample = re.compile(r"^\s*\d+\.\d+ ")

    def ranked(text: str, keep: Callable[[str], bool]) -> list[str]:
        return [line for line in text.splitlines() if sample.match(line) and keep(line)][:lines]

    print(f"Self time, top {lines} frames (library frames grouped as [self] of their caller):")
    for line in ranked(profiler.output_text(flat=True), lambda line: True):
        print(f"  {line.strip()}")
    print(f"The app's own functions, inclusive time, top {lines} (the middleware chain left out):")
    for line in ranked(
        profiler.output_text(flat=True, show_all=True, flat_time="total"),
        lambda line: "assessments/" in line and "Middleware.__call__" not in line,
    ):
        print(f"  {line.strip()}")


# --- the table -------------------------------------------------------------------------------


def verdict(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")


def print_table(rows: list[Row]) -> None:
    header = Row("figure", "measured", "ratio", "target", None)
    cells = [(r.figure, r.measured, r.ratio, r.target, verdict(r.met)) for r in [header, *rows]]
    cells[0] = (*cells[0][:4], "met")
    widths = [max(len(cell[i]) for cell in cells) for i in range(5)]

    def line(cell: tuple[str, ...]) -> str:
        return "| " + " | ".join(value.ljust(widths[i]) for i, value in enumerate(cell)) + " |"

    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cell in cells[1:]:
        print(line(cell))


def table_rows(figures: dict) -> list[Row]:
    rows: list[Row] = []
    http = figures.get("http")
    queries = figures.get("queries", {})
    if http:
        bare = http[BARE]
        for name in TIMED_ROWS:
            row = http[name]
            ratios = [
                mine.rps / reference.rps
                for mine, reference in zip(row.rounds, bare.rounds, strict=False)
                if reference.rps
            ]
            ratio = statistics.median(ratios) if ratios else float("nan")
            target = THROUGHPUT_TARGETS.get(name)
            rows.append(
                Row(
                    f"{name}: throughput",
                    f"{row.rps:,.0f} req/s, p50 {row.percentile(0.5):.1f} ms, "
                    f"p95 {row.percentile(0.95):.1f} ms",
                    f"{ratio:.2f} × bare",
                    "reference" if name == BARE else f"≥ {target:.2f} × bare",
                    None if target is None else ratio >= target,
                )
            )
    else:
        rows.append(Row("throughput", "not measured"))
    for name in (*TIMED_ROWS, NEXT):
        if name not in queries:
            continue
        target = QUERY_TARGETS.get(name)
        count = queries[name]
        rows.append(
            Row(
                f"{name}: queries per request",
                str(count),
                "—" if target is None else f"{count / target:.2f} × target",
                "—" if target is None else f"≤ {target}",
                None if target is None else count <= target,
            )
        )
    first = figures.get("first_question")
    if first:
        rows.append(
            Row(
                "bytes before the first question",
                f"{first.total / KB:.1f} KB ({first.total:,} B, {len(first.downloads)} responses)",
                f"{first.total / BYTES_TARGET:.2f} × target",
                f"≤ {BYTES_TARGET // KB} KB",
                first.total <= BYTES_TARGET,
            )
        )
        rows.append(
            Row(
                "first area page needs JavaScript",
                "yes" if first.needs_javascript else "no (post form, radios, submit; works)",
                "—",
                "no",
                not first.needs_javascript,
            )
        )
    pdf = figures.get("pdf")
    if pdf:
        ratio = pdf["report_ms"] / pdf["words_ms"]
        rows.append(
            Row(
                "cold PDF render vs same text unstyled",
                f"{pdf['report_ms']:.0f} ms vs {pdf['words_ms']:.0f} ms ({pdf['words']:,} words)",
                f"{ratio:.2f} ×",
                f"≤ {PDF_RATIO_TARGET} ×",
                ratio <= PDF_RATIO_TARGET,
            )
        )
    ahead = figures.get("ahead")
    if ahead:
        rows.append(
            Row(
                "PDF download 10 s after completion",
                f"p50 {ahead.median_ms:.1f} ms, p95 {ahead.p95_ms:.1f} ms; "
                f"{ahead.cached_before} of {ahead.count} already in the cache (worker running)",
                f"{ahead.p95_ms / AHEAD_P95_TARGET_MS:.2f} × target",
                f"p95 ≤ {AHEAD_P95_TARGET_MS:.0f} ms, from the cache",
                ahead.p95_ms <= AHEAD_P95_TARGET_MS and ahead.cached_before == ahead.count,
            )
        )
    memory = figures.get("memory")
    if memory:
        projected = memory["projected_1000"]
        mb = 2**20
        rows.append(
            Row(
                f"render worker memory, {memory['renders']:,} renders",
                f"RSS {memory['rss_before'] / mb:.0f} MB → {memory['rss_first'] / mb:.0f} (1st) → "
                f"{memory['rss_last'] / mb:.0f} (last): +{memory['growth'] / mb:.1f} MB, "
                f"then {memory['per_render'] / KB:+.1f} KB/render; maxrss "
                f"{memory['maxrss'] / mb:.0f} MB",
                f"{projected / mb:+.1f} MB over 1,000",
                f"< {MEMORY_TARGET // mb} MB over 1,000",
                projected < MEMORY_TARGET,
            )
        )
    scale = figures.get("scale")
    if scale:
        small, large = scale["10000"], scale["100000"]
        for key, name in (("admin", ADMIN), ("results", RESULTS)):
            ratio = large[key]["median"] / small[key]["median"]
            rows.append(
                Row(
                    f"{name}: 100k / 10k assessments",
                    f"{small[key]['median']:.1f} ms → {large[key]['median']:.1f} ms "
                    f"({small[key]['queries']} → {large[key]['queries']} queries)",
                    f"{ratio:.2f} ×",
                    f"≤ {SCALE_TARGET} ×",
                    ratio <= SCALE_TARGET,
                )
            )
    elif figures.get("scale_skipped"):
        rows.append(Row("admin list, results: 100k / 10k", figures["scale_skipped"]))
    return rows


# --- the run ---------------------------------------------------------------------------------


def phase(title: str) -> Callable[[], None]:
    print(f"\n{title}", flush=True)
    started = time.monotonic()
    return lambda: print(f"  ({time.monotonic() - started:.0f} s)", flush=True)


def measure(args: argparse.Namespace, workdir: Path, figures: dict) -> None:
    env = server_env(workdir)
    done = phase("Preparing the data and the static files")
    # collectstatic (compressing every file, as the manifest storage does) runs beside the
    # database's set-up: it touches no database.
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        where = make_database(env, workdir, args.seed_count, figures)
    finally:
        collected = collect.communicate(timeout=600)[0]
    if collect.returncode:
        raise MeasureError(f"collectstatic failed: {collected.decode(errors='replace')[-2000:]}")
    setup = prepare_in_process(env)
    figures["where"] = where
    print(f"  {where}: {args.seed_count:,} seed_demo assessments, a consultant, a completed test")
    done()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    error_log = workdir / "gunicorn-error.log"
    server = start_gunicorn(
        env,
        port,
        WORKERS,
        "--access-logfile",
        str(workdir / "gunicorn-access.log"),
        "--error-logfile",
        str(error_log),
        "--capture-output",
    )
    errors: list[str] = []
    try:
        if not is_ready(url):
            raise MeasureError(f"gunicorn did not start at {url}:\n{tail(error_log)}")
        done = phase(f"gunicorn at {url} ({WORKERS} workers, bench.settings)")
        rows, rendered = http_rows(port, setup, args.threads)
        print(f"  the report rendered and stored by its first download: {rendered * 1000:.0f} ms")
        figures["first_question"] = first = pages.first_question(port)
        for item in first.downloads:
            encoding = item.encoding or "identity"
            hint = "" if item.encoding else f", {item.brotli_bytes:,} B if sent with br"
            print(
                f"  {item.wire_bytes:>8,} B  {encoding:<8} {item.what} "
                f"({item.raw_bytes:,} B uncompressed{hint})"
            )
        for check, ok in first.form_checks.items():
            print(f"  {'ok  ' if ok else 'FAIL'} {check}")
        done()

        done = phase(
            f"Timed: {args.threads} client threads, {args.rounds} rounds × {len(rows)} rows × "
            f"{args.seconds:g} s"
        )
        driver.interleaved(
            port, rows, 1, min(args.seconds, 0.3), errors, progress=False, workers=WORKERS
        )
        if not errors:
            figures["http"] = driver.interleaved(
                port, rows, args.rounds, args.seconds, errors, workers=WORKERS
            )
        done()

        if args.ahead and not errors:
            done = phase(
                f"PDF after completion: {args.ahead} tests completed "
                f"{render_ahead.SPACING_SECONDS:g} s apart with `manage.py db_worker` running, "
                f"each report downloaded {render_ahead.DELAY_SECONDS:g} s later"
            )
            figures["ahead"] = ahead = render_ahead.measure(port, env, workdir, args.ahead)
            print(
                "  downloads (ms): "
                + ", ".join(f"{value:.1f}" for value in ahead.latencies_ms)
                + f"; {ahead.cached_before} of {ahead.count} in the cache when asked for"
            )
            done()
    finally:
        stop(server)
    if errors:
        raise MeasureError(
            "requests failed during the timed run:\n  "
            + "\n  ".join(sorted(set(errors))[:10])
            + f"\n{tail(error_log)}"
        )

    done = phase("Queries per request (in-process, test client)")
    inprocess = InProcess(setup)
    figures["queries"] = inprocess.queries()
    figures["inprocess"] = inprocess
    for row, statements in inprocess.sql.items():
        print(f"  {row}: {len(statements)}")
        if args.show_queries:
            for statement in statements:
                print(f"      {statement[:150]}")
    done()

    done = phase(f"PDF: cold render vs the same words unstyled, {args.pdf_runs} in turns")
    figures["pdf"] = pdf_ratio(setup, args.pdf_runs)
    done()

    done = phase(f"PDF render worker: {args.renders} renders in a fresh process")
    from django.db import connections

    connections.close_all()
    figures["memory"] = run_helper(
        "bench.render_worker",
        ["--assessment", str(setup["assessment"].pk), "--renders", str(args.renders)],
        env,
    )
    memory = figures["memory"]
    print(
        f"  first render {memory['first_render_s'] * 1000:.0f} ms, then median "
        f"{memory['median_render_s'] * 1000:.0f} ms"
    )
    done()

    if args.scale:
        pg = postgres_server() or CALLER_ENV.get("BENCH_POSTGRES", DEFAULT_POSTGRES)
        done = phase(f"Scale: 10,000 and 100,000 assessments on {urlsplit(pg).hostname}")
        try:
            psycopg.connect(f"{pg}/postgres", connect_timeout=5).close()
        except psycopg.Error as error:
            raise MeasureError(f"--scale needs PostgreSQL at {pg}: {error}") from error
        # bench_admin's own production-like settings, from the caller's environment.
        scale_env = {k: v for k, v in CALLER_ENV.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        scale_env["BENCH_POSTGRES"] = pg
        figures["scale"] = run_helper("bench.scale", ["--runs", str(args.scale_runs)], scale_env)
        done()
    else:
        figures["scale_skipped"] = "not measured (add --scale; needs PostgreSQL)"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--rounds", type=int, default=8, help="rounds of every row (default 8)")
    parser.add_argument("--seconds", type=float, default=1.0, help="per row per round (1.0)")
    parser.add_argument("--seed-count", type=int, default=1000, help="seed_demo assessments")
    parser.add_argument("--pdf-runs", type=int, default=5, help="renders of each PDF, in turns")
    parser.add_argument("--renders", type=int, default=200, help="renders for the memory figure")
    parser.add_argument(
        "--ahead",
        type=int,
        default=8,
        help="tests completed for the download-after-completion "
        "figure (default 8; 0 leaves it out)",
    )
    parser.add_argument("--scale", action="store_true", help="10k/100k on PostgreSQL (slow)")
    parser.add_argument("--scale-runs", type=int, default=30, help="timed requests per size")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="slowest",
        metavar="ROW",
        help="profile one in-process request of ROW (default: the slowest row)",
    )
    parser.add_argument("--show-queries", action="store_true", help="print each row's SQL")
    parser.add_argument("--frames", type=int, default=15, help="frames of the profile to print")
    parser.add_argument("--profile-requests", type=int, default=10, help="requests to profile")
    args = parser.parse_args()
    if args.profile not in (None, "slowest", *TIMED_ROWS, NEXT):
        parser.error(f"--profile takes one of: {', '.join((*TIMED_ROWS, NEXT))}")

    started = time.monotonic()
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="cx-bench-") as folder:
        try:
            return report(args, Path(folder), figures, started)
        finally:
            drop_bench_database(figures)


def report(args: argparse.Namespace, workdir: Path, figures: dict, started: float) -> int:
    """Measure, print the table (and the profile); the exit status."""
    failure = None
    try:
        measure(args, workdir, figures)
    except (MeasureError, AssertionError) as error:
        failure = str(error) or repr(error)
    client = ""
    if "http" in figures:
        share = figures["http"][BARE].client_cpu_share
        client = f" (the client itself used {share:.0%} of a CPU during the bare view)"
    print(
        f"\nmake bench: {figures.get('where', 'no database')}; gunicorn {WORKERS} workers "
        f"(gthread); {args.threads} client threads{client}, {args.rounds} rounds of "
        f"{args.seconds:g} s per row; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; {time.monotonic() - started:.0f} s\n"
    )
    rows = table_rows(figures)
    print_table(rows)
    judged = [row for row in rows if row.met is not None]
    print(f"\n{sum(bool(row.met) for row in judged)} of {len(judged)} targets met.")
    if failure:
        print(f"\nNOT MEASURED: {failure}", file=sys.stderr)
        return 1
    if args.profile and "http" in figures:
        row = args.profile
        if row == "slowest":
            http = figures["http"]
            row = min((name for name in TIMED_ROWS if name != BARE), key=lambda n: http[n].rps)
        profile(figures["inprocess"], row, args.profile_requests, args.frames)
    return 0


def drop_bench_database(figures: dict) -> None:
    """The run's PostgreSQL database goes with it, as the temporary SQLite file does."""
    if "drop_from" not in figures:
        return
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
    try:
        drop_database(figures["drop_from"], BENCH_DATABASE)
    except psycopg.OperationalError:
        pass  # the server cannot be reached (the run said so): nothing to drop there
    except psycopg.Error as error:
        print(f"could not drop {BENCH_DATABASE}: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
