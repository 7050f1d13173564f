"""gunicorn settings for production; every value can be overridden from the environment."""

import ipaddress
import os
from typing import Any

from gunicorn.glogging import Logger

from assessments.redaction import RedactTokensFilter, redact

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A PDF render can take a few seconds; anything far beyond that is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# The request line and headers: the longest real address (an admin list with its filters) is far
# below 4094 bytes, a browser sends fewer than 30 headers, and the largest header (the cookies) is
# well under 8 KiB. Anything beyond is refused with a 400 before Django sees it; bodies are capped
# by REQUEST_BODY_MAX_BYTES (assessments/limits.py).
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "4094"))
limit_request_fields = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELDS", "50"))
limit_request_field_size = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", "8190"))
# Worker recycling is off: a recycled worker drops its idle keep-alive connections, and a client
# that reuses one at that moment gets a reset (seen in make loadtest). Turn it on only to contain a
# proven leak, and then behind a proxy that retries.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "0"))
accesslog = "-"
errorlog = "-"


class RedactingLogger(Logger):
    """gunicorn's logs without private tokens (assessments/redaction.py): every field of an
    access log line (request line, path, query, referrer, headers) and every error message."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(known, RedactTokensFilter) for known in log.filters):
                log.addFilter(RedactTokensFilter())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


logger_class = RedactingLogger


def _single_addresses(entries: str) -> str:
    """The addresses among TRUSTED_PROXIES, in gunicorn's form: it takes no networks."""
    addresses = []
    for entry in (entry.strip() for entry in entries.split(",")):
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue  # Django's system check reports it at start
        if network.num_addresses == 1:
            addresses.append(str(network.network_address))
    return ",".join(addresses)


# X-Forwarded-Proto and the like count only when they come from the proxies that Django trusts
# (TRUSTED_PROXIES, docs/deploy.md), never from whoever reaches this port directly. A network in
# TRUSTED_PROXIES is left out here (gunicorn takes single addresses); Django's
# SECURE_PROXY_SSL_HEADER decides what was HTTPS all the same.
forwarded_allow_ips = os.environ.get(
    "FORWARDED_ALLOW_IPS", _single_addresses(os.environ.get("TRUSTED_PROXIES", ""))
)


def on_starting(server: Any) -> None:
    if "*" in server.cfg.forwarded_allow_ips:
        server.log.warning(
            "FORWARDED_ALLOW_IPS=* trusts X-Forwarded-* headers from anyone who can reach this "
            "port; set TRUSTED_PROXIES to the proxies' addresses instead (docs/deploy.md)."
        )
