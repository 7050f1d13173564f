"""The app served by real gunicorn processes on a PostgreSQL database of their own.

Shared by the scale-out test (tests/test_scale_out.py) and the load test (bench/loadtest.py),
which both need what a deployment has: a migrated database with the questionnaire, gunicorn with
the project's config, and a server that answers /readyz before any request is sent. The SQLite
concurrency test (tests/test_sqlite_concurrency.py) and `make loadtest-sqlite` serve the default
SQLite file instead (`fresh_sqlite_database`).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent  # where manage.py is


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fresh_database(admin_url: str, name: str, env: dict[str, str]) -> None:
    """(Re)create database `name`, migrate it and load the questionnaire, with `env`."""
    drop_database(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    for command in (["migrate", "--noinput"], ["load_questionnaire"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, *extra_args: str
) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cxmaturity.wsgi:application",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *extra_args,
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen, seconds: float = 30) -> None:
    """Ask a server or worker to stop, and kill it if it has not within `seconds`."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def is_ready(url: str, seconds: float = 60) -> bool:
    """Whether `url`/readyz answers 200 within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/readyz", timeout=2).status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def fresh_sqlite_database(path: Path, env: dict[str, str]) -> str:
    """A new SQLite file at `path`, migrated with the questionnaire loaded; its DATABASE_URL.

    The project's default database, as `make run` has it: what a small office that runs the app
    without PostgreSQL gets.
    """
    for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    for command in (["migrate", "--noinput"], ["load_questionnaire"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env={**env, "DATABASE_URL": url},
            check=True,
            capture_output=True,
            timeout=180,
        )
    return url
