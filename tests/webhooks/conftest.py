"""A fake CRM endpoint on 127.0.0.1 (nothing leaves the machine) and the settings that let the
SSRF guard allow it explicitly, as the bench does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_tasks import default_task_backend

from assessments.webhooks.models import EventType, WebhookEndpoint


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answers to give, in turn; then 204
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    delay: float = 0.0  # seconds before each answer: a slow endpoint

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else 204


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOK_HTTPS_ONLY = False
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            box["receiver"].requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            time.sleep(box["receiver"].delay)
            self.send_response(box["receiver"].next_status())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["receiver"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="CRM", url=receiver.url, events=list(EventType.values)
    )


@pytest.fixture
def queued():
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()
