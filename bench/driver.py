"""The HTTP side of `make bench`: a cookie-keeping visitor for set-up, and timed rounds.

Everything speaks to 127.0.0.1 through Python's own http.client: one keep-alive connection per
client thread, requests built once before the clock starts, so that the client costs as little
as it can beside the server it measures.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench import BARE_PATH

HOST = "127.0.0.1"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION = re.compile(r'name="(q_[A-Za-z0-9_]+)" value="([^"]+)"')
BOUNDARY = "----cx-bench-boundary-7d1f0c"


class MeasureError(Exception):
    """Something the bench could not measure: the run's figures are not to be trusted."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


class Visitor:
    """One browser: its own cookies and keep-alive connection. For set-up, not for timing."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        expect: int | tuple[int, ...] | None = None,
    ) -> Response:
        all_headers = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = self.cookie_header()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                raw = self.connection.getresponse()
                response = Response(raw.status, raw.headers, raw.read())
                break
            except (ConnectionError, http.client.HTTPException) as error:
                # The server closed an idle keep-alive connection: once more on a new one.
                self.connection.close()
                if attempt == 2:
                    raise MeasureError(f"{method} {path}: {error!r}") from error
        for line in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(line)
            for name, morsel in parsed.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if expect is not None:
            expected = (expect,) if isinstance(expect, int) else expect
            if response.status not in expected:
                raise MeasureError(
                    f"{method} {path} answered {response.status}, expected {expect}: "
                    f"{response.text[:300]!r}"
                )
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(
        self,
        path: str,
        fields: list[tuple[str, str]],
        headers: dict[str, str] | None = None,
        **kwargs,
    ) -> Response:
        """A form posted as a browser without JavaScript posts it (urlencoded)."""
        all_headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
            **(headers or {}),
        }
        body = urlencode(fields).encode()
        return self.request("POST", path, body=body, headers=all_headers, **kwargs)

    def close(self) -> None:
        self.connection.close()


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if not match:
        raise MeasureError("no csrfmiddlewaretoken in the page")
    return match.group(1)


def location_path(response: Response) -> str:
    location = response.header("Location")
    if not location:
        raise MeasureError(f"a {response.status} without a Location")
    return urlsplit(location).path


def area_options(html: str) -> dict[str, list[str]]:
    """Each question's option values on an area page, in page order."""
    options: dict[str, list[str]] = {}
    for question, value in OPTION.findall(html):
        options.setdefault(question, []).append(value)
    if not options:
        raise MeasureError("no question options on the area page")
    return options


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body and Content-Type that a browser's FormData (the autosave script) sends."""
    parts = []
    for name, value in fields:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{BOUNDARY}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={BOUNDARY}"


@dataclass(frozen=True)
class Call:
    """One client thread's request for a row: built once, sent over and over."""

    method: str
    path: str
    headers: dict[str, str]
    bodies: tuple[bytes, ...] = ()  # sent in turn (an autosave that changes an answer each time)
    expect: int = 200


@dataclass
class RoundFigures:
    requests: int
    seconds: float
    latencies: list[float]  # seconds
    client_cpu: float = 0.0  # CPU seconds this process (the client) spent in the round

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class RowFigures:
    name: str
    rounds: list[RoundFigures] = field(default_factory=list)

    @property
    def latencies_ms(self) -> list[float]:
        return sorted(ms * 1000 for r in self.rounds for ms in r.latencies)

    def percentile(self, share: float) -> float:
        values = self.latencies_ms
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(share * (len(values) - 1)))]

    @property
    def rps(self) -> float:
        """The median of the rounds' throughputs."""
        return statistics.median(r.rps for r in self.rounds)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.rounds)

    @property
    def client_cpu_share(self) -> float:
        """The client's CPU time over the rounds' wall time (1.0 = one CPU busy throughout)."""
        return sum(r.client_cpu for r in self.rounds) / sum(r.seconds for r in self.rounds)


def _worker_of(connection: http.client.HTTPConnection) -> str:
    """The pid of the gunicorn worker that serves this keep-alive connection (the bare view
    says it)."""
    connection.request("GET", BARE_PATH)
    response = connection.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise MeasureError(f"GET {BARE_PATH} answered {response.status}")
    return body.split()[-1]


def balanced_connections(port: int, count: int, workers: int) -> list[http.client.HTTPConnection]:
    """`count` keep-alive connections spread as evenly as they can be over `workers` workers.

    A gthread worker keeps a connection for its life, and which worker accepts it is chance: all
    four clients on one worker halve a row's throughput, which made rows of one run differ by 2 ×
    for no reason of their own. Connections are opened until each worker holds its share."""
    share = -(-count // workers)  # the most any worker may hold
    held: dict[str, int] = {}
    connections: list[http.client.HTTPConnection] = []
    attempts = 0
    while len(connections) < count:
        attempts += 1
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        worker = _worker_of(connection)
        if held.get(worker, 0) < share or attempts > 50 * count:
            held[worker] = held.get(worker, 0) + 1
            connections.append(connection)
        else:
            connection.close()
    return connections


def timed_round(
    port: int, calls: list[Call], seconds: float, errors: list[str], workers: int = 1
) -> RoundFigures:
    """`len(calls)` threads, each sending its call back to back for `seconds` on its own
    keep-alive connection, the connections spread evenly over the server's `workers`; the round
    lasts until the last answer arrives."""
    barrier = threading.Barrier(len(calls) + 1)
    latencies: list[list[float]] = [[] for _ in calls]
    finished = [0.0] * len(calls)
    try:
        connections = balanced_connections(port, len(calls), workers)
    except (OSError, http.client.HTTPException, MeasureError) as error:
        errors.append(f"cannot connect: {error!r}")
        return RoundFigures(0, 0.0, [], 0.0)

    def client(index: int, call: Call) -> None:
        connection = connections[index]
        barrier.wait()
        deadline = time.perf_counter() + seconds
        bodies = call.bodies or (None,)
        turn = 0
        try:
            while time.perf_counter() < deadline:
                body = bodies[turn % len(bodies)]
                turn += 1
                started = time.perf_counter()
                connection.request(call.method, call.path, body=body, headers=call.headers)
                response = connection.getresponse()
                response.read()
                latencies[index].append(time.perf_counter() - started)
                if response.status != call.expect:
                    errors.append(
                        f"{call.method} {call.path} answered {response.status}, "
                        f"expected {call.expect}"
                    )
                    break
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{call.method} {call.path}: {error!r}")
        finally:
            finished[index] = time.perf_counter()
            connection.close()

    threads = [
        threading.Thread(target=client, args=(i, call), daemon=True) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, started_cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    every = [value for values in latencies for value in values]
    cpu = time.process_time() - started_cpu
    return RoundFigures(len(every), max(finished) - started, every, cpu)


def interleaved(
    port: int,
    rows: dict[str, list[Call]],
    rounds: int,
    seconds: float,
    errors: list[str],
    progress: bool = True,
    workers: int = 1,
) -> dict[str, RowFigures]:
    """Every row for `seconds` in turn, `rounds` times (bare, landing, …, bare, landing, …), so
    that whatever else the machine does slows every row alike."""
    figures = {name: RowFigures(name) for name in rows}
    for number in range(1, rounds + 1):
        for name, calls in rows.items():
            figures[name].rounds.append(timed_round(port, calls, seconds, errors, workers))
            if errors:
                return figures
        if progress:
            line = ", ".join(f"{name} {f.rounds[-1].rps:.0f}" for name, f in figures.items())
            print(f"  round {number}/{rounds} (requests/s): {line}", flush=True)
    return figures
