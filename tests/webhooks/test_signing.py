"""The signature is the Standard Webhooks one: the spec's own published test vector."""

from __future__ import annotations

import base64

from assessments.webhooks import signing


def test_the_signature_matches_the_specs_published_test_vector():
    # The spec's own vector: github.com/standard-webhooks/standard-webhooks,
    # libraries/python/tests/test_webhooks.py, test_sign_function (the same in Svix's libraries).
    assert (
        signing.signature(
            secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            message_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp=1614265330,
            body=b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_the_headers_carry_id_timestamp_and_signature():
    headers = signing.headers(
        secret=signing.secret_new(), message_id="msg_1", timestamp=5, body=b"{}"
    )
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == "5"
    assert headers["webhook-signature"].startswith("v1,")


def test_a_new_secret_is_24_random_bytes_in_the_specs_format():
    first, second = signing.secret_new(), signing.secret_new()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 24
