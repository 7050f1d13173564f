"""Benchmark: a team's owner page with 200 colleagues and 500 customer responses (issue 17's
target: median ≤ 100 ms, ≤ 10 queries).

On data of its own: the PostgreSQL database that DATABASE_URL names (created and migrated by
the caller: `createdb -h 127.0.0.1 -U postgres <name>`), or a temporary SQLite file without it.
It loads the questionnaire (every version's fixture, so the team is on the current one and has a
customer mirror), starts a team, lets `--members` colleagues (200) join it through the team's
service and answer every question (a spread of answers and roles), lets `--customers` customers
(500) answer its customer mirror (a spread of answers, 0–10 and comments), then renders the owner
page in-process through the whole Django stack (middleware, view, template): once to warm the
questionnaire's cache, `--rounds` times (30) timed, and once counting its queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i17 .venv/bin/python bench/teams.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmaturity.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # Plain static names: no collectstatic for a page timed in-process.
    os.environ.setdefault("STATIC_MANIFEST", "0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments import selectors, services
    from assessments.content import FIXTURES, load_questionnaire, read_fixture
    from assessments.teams import selectors as team_selectors
    from assessments.teams import services as team_services
    from assessments.teams.models import TeamRole

    call_command("migrate", verbosity=0)
    for fixture in FIXTURES:
        version, _ = load_questionnaire(read_fixture(fixture))
    team = team_services.team_start(organisation="Bench Oy")
    areas = selectors.areas_with_questions(version)
    roles = ["", *TeamRole.values]
    started = time.perf_counter()
    for index in range(args.members):
        assessment = team_services.team_join(
            team=team, language="fi", role=roles[index % len(roles)]
        )
        choices = {}
        for area in areas:
            for question in area.questions.all():
                value = 1 + (index * 7 + question.order * 3) % 5
                choices[question] = (
                    None
                    if (index + question.order) % 11 == 0
                    else (next(o for o in question.options.all() if o.value == value))
                )
        services.answers_save(assessment=assessment, choices=choices)
        services.assessment_complete(assessment=assessment)
    print(f"{args.members} colleagues answered in {time.perf_counter() - started:.1f} s")
    mirror = team_selectors.team_mirror(team)
    assert mirror is not None
    for index in range(args.customers):
        team_services.mirror_respond(
            team=team,
            answers={
                code: None if (index + number) % 13 == 0 else 1 + (index * 3 + number) % 5
                for number, code in enumerate(mirror.codes)
            },
            recommend=None if index % 4 == 0 else index % 11,
            comment="" if index % 10 else f"Palaute {index}: asiointi sujui.",
        )

    # Fresh planner statistics, as autovacuum's analyze would have them after such a load: without
    # them PostgreSQL takes the freshly filled tables for empty ones and plans nested loops.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    path = f"/team/owner/{team.owner_token}/"
    first = client.get(path, secure=True)
    assert first.status_code == 200, first.status_code
    assert f"{args.members} kollegaa" in first.content.decode()
    assert f"{args.customers} asiakasta" in first.content.decode()
    timings = []
    for _round in range(args.rounds):
        begin = time.perf_counter()
        response = client.get(path, secure=True)
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path, secure=True)
    median = statistics.median(timings)
    print(f"database: {connection.vendor}")
    print(
        f"owner page, {args.members} colleagues, {args.customers} customers: "
        f"median {median:.1f} ms (min {min(timings):.1f}, max {max(timings):.1f}, "
        f"{args.rounds} rounds; target ≤ 100 ms)"
    )
    print(f"queries: {len(queries)} (target ≤ 10)")
    if temporary is not None:
        Path(temporary.name).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
