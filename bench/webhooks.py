"""Webhook delivery under load: N completed tests, one worker, a receiver on 127.0.0.1.

    .venv/bin/python bench/webhooks.py [--tests 1000] [--kill-at 500] [--workers 1]
                                       [--port 0] [--database-url URL]

A fresh database (a temporary SQLite file unless --database-url names another, e.g.
postgres://postgres@127.0.0.1:5432/i16), migrated and loaded; an endpoint on a tiny local HTTP
receiver (this script, on --port, a free one by default) that checks every signature and records
each webhook-id with its arrival time; one `manage.py db_worker` (as `make run` and compose start
it; --workers N starts N side by side, sharing the queue), which also renders each test's PDF
ahead, as in production. The tests are completed through the services, as the background page
does. With --kill-at K the (first) worker is killed (SIGKILL) while the K-th webhook is being
sent (the receiver has it killed before answering) and is started again: that message must
arrive, acknowledged, exactly once (after the killed worker's lease has passed), and nothing may
be lost or acknowledged twice.

Prints the time from completion (the stored completed_at) to arrival: p50, p95 and the longest,
with the counts lost (never received) and duplicated (a webhook-id received twice).
Target: p95 <= 60 s with one worker, 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_SECONDS = 60


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--kill-at", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1, help="db_worker processes side by side")
    parser.add_argument("--port", type=int, default=0, help="the receiver's port (0: a free one)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--patience", type=float, default=600, help="seconds to wait at the end")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cx-bench-webhooks-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxmaturity.settings",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # The receiver is on this machine: allowed explicitly, as only a bench or test may.
        "WEBHOOK_HTTPS_ONLY": "0",
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
    }
    os.environ.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_questionnaire"]):
        subprocess.run(
            [*manage, *command], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from assessments import selectors, services
    from assessments.models import Assessment, QuestionnaireVersion
    from assessments.webhooks import signing
    from assessments.webhooks.models import EventType, WebhookEndpoint

    arrivals: dict[str, list[float]] = {}
    completed_at: dict[str, float] = {}
    bad_signatures = 0
    lock = threading.Lock()
    requests_seen = 0
    kill_requested = threading.Event()
    killed = threading.Event()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            nonlocal bad_signatures, requests_seen
            arrived = time.time()
            body = self.rfile.read(int(self.headers["Content-Length"]))
            message_id = self.headers["webhook-id"]
            with lock:
                requests_seen += 1
                kill_now = requests_seen == args.kill_at
            if kill_now:
                # Mid-delivery: the worker waits for this answer. Kill it, never answer.
                kill_requested.set()
                killed.wait(30)
                print(f"  worker killed while sending {message_id}; started again")
                self.close_connection = True
                return
            expected = signing.signature(
                secret=endpoint.secret,
                message_id=message_id,
                timestamp=int(self.headers["webhook-timestamp"]),
                body=body,
            )
            with lock:
                if self.headers["webhook-signature"] != expected:
                    bad_signatures += 1
                arrivals.setdefault(message_id, []).append(arrived)
                stamp = json.loads(body)["data"]["completed_at"]
                completed_at[message_id] = datetime.fromisoformat(stamp).timestamp()
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Receiver)
    endpoint = WebhookEndpoint.objects.create(
        name="bench",
        url=f"http://127.0.0.1:{server.server_port}/hook",
        events=[EventType.ASSESSMENT_COMPLETED],
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def worker_start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*manage, "db_worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    workers = [worker_start() for _ in range(args.workers)]

    def killer() -> None:
        kill_requested.wait()
        # The first worker: with several, the killed one may not be the sender (then nothing
        # is lost either way, and the receiver's unanswered request is simply sent again).
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        workers[0] = worker_start()
        killed.set()

    threading.Thread(target=killer, daemon=True).start()
    version = QuestionnaireVersion.objects.current()
    assert version is not None
    choices = {
        question: question.options.get(value=3)
        for area in selectors.areas_with_questions(version)
        for question in area.questions.all()
    }
    started = time.time()
    for number in range(1, args.tests + 1):
        assessment = Assessment.objects.create(version=version, language="fi")
        services.answers_save(assessment=assessment, choices=choices)
        services.assessment_complete(assessment=assessment)
        if number % 100 == 0:
            print(f"  {number} completed in {time.time() - started:.0f} s, {len(arrivals)} arrived")
    completing = time.time() - started
    connection.close()

    deadline = time.time() + args.patience
    while time.time() < deadline and len(arrivals) < args.tests:
        time.sleep(0.5)
    time.sleep(3)  # anything sent twice would arrive now
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    server.shutdown()
    shutil.rmtree(workdir, ignore_errors=True)

    latencies = sorted(
        times[0] - completed_at[message_id] for message_id, times in arrivals.items()
    )
    duplicated = sum(len(times) - 1 for times in arrivals.values())
    lost = args.tests - len(arrivals)
    p95 = statistics.quantiles(latencies, n=100)[94] if len(latencies) >= 2 else float("nan")
    print(
        f"{args.tests} tests completed in {completing:.0f} s "
        f"({connection.vendor}, {args.workers} worker{'s' if args.workers > 1 else ''}"
        f"{', killed once' if args.kill_at else ''})\n"
        f"completion to delivery: p50 {statistics.median(latencies):.1f} s, p95 {p95:.1f} s, "
        f"max {latencies[-1]:.1f} s\n"
        f"lost {lost}, duplicated {duplicated}, bad signatures {bad_signatures}"
    )
    ok = p95 <= TARGET_P95_SECONDS and lost == 0 and duplicated == 0 and bad_signatures == 0
    print("TARGET MET" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
