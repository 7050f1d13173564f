"""Standard Webhooks signatures (https://www.standardwebhooks.com/): HMAC-SHA256 over
"<webhook-id>.<webhook-timestamp>.<body>" with the base64 secret after its "whsec_" prefix."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# A format prefix, not a secret.
SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105
# 24 random bytes, as the reference implementations generate.
SECRET_BYTES = 24


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value for one attempt: "v1,<base64 HMAC-SHA256>"."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
