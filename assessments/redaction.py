"""No private token in any log: the access log, the error log or an error report.

A respondent's token is the only key to their answers and results, and anyone who reads a log
line with it can open, change or delete them. `redact` replaces

- the token segment of the addresses that carry one: `/a/<token>/…` (the test's pages) and
  `/results/<token>/…` (results, the PDF report, "delete my data"), and a team's
  `/team/join/<token>/`, `/team/owner/<token>/…` and `/team/customer/<token>/…`, whatever the
  token looks like;
- any other string that looks like a token: 32 or more url-safe characters with both upper and
  lower case letters (what `secrets.token_urlsafe` makes; snake_case names in a traceback do not
  match),

with MARKER. `RedactTokensFilter` applies it to every record a handler emits (settings.LOGGING
installs it on the root's handlers, through which Django's request errors go too); gunicorn's
access and error logs use it through the logger class in gunicorn.conf.py.

Pure Python: no Django and no other module of the app, so that gunicorn's configuration can use
it before Django is set up.
"""

from __future__ import annotations

import logging
import re

MARKER = "[token]"

_TOKEN_SEGMENT = re.compile(r"(/(?:a|results|team/join|team/owner|team/customer)/)[^/?#\s\"'<>]+")
_TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")


def _token_like(match: re.Match[str]) -> str:
    text = match.group(0)
    if any(char.isupper() for char in text) and any(char.islower() for char in text):
        return MARKER
    return text


def redact(text: str) -> str:
    """`text` with every private token in it replaced by MARKER."""
    return _TOKEN_LIKE.sub(_token_like, _TOKEN_SEGMENT.sub(rf"\g<1>{MARKER}", text))


class RedactTokensFilter(logging.Filter):
    """Redacts the whole record, once: the message with its arguments, the traceback and the
    stack. The record is changed in place, so every handler after this one sees it redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must not print its raw arguments instead
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text rather than formatting the traceback again.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
