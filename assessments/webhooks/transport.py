"""One POST to a checked address, within a hard time limit.

The connection goes to the address that the guard checked (never a second lookup of the name);
HTTPS still verifies the certificate for the name. A socket timeout bounds each wait, and a timer
cuts the connection when the whole exchange takes longer, so that a server that answers one byte
at a time cannot hold a worker.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading

from .guard import Target

# Enough of the response to read its status; the body is not used.
RESPONSE_READ_LIMIT = 65_536


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(*, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` and return the response's status; OSError or HTTPException when it fails."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)

    def cut() -> None:
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, cut)
    timer.daemon = True
    timer.start()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": "cx-maturity-webhooks/1",
            },
        )
        response = connection.getresponse()
        response.read(RESPONSE_READ_LIMIT)
        return response.status
    finally:
        timer.cancel()
        connection.close()
