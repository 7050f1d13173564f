"""Hardening of the public site: headers, rate limits, bots, lockouts and tokens."""

import pytest
from django.test import override_settings
from django.urls import reverse

from assessments.models import Assessment

from .conftest import PASSWORD
from .factories import answered_assessment

pytestmark = pytest.mark.django_db


def public_paths(questionnaire):
    completed = answered_assessment(questionnaire)
    unfinished = answered_assessment(questionnaire, complete=False)
    paths = []
    for prefix in ("", "/en"):
        paths += [
            f"{prefix}/",
            f"{prefix}/privacy/",
            f"{prefix}/a/{unfinished.token}/area/1/",
            f"{prefix}/a/{unfinished.token}/background/",
            f"{prefix}/results/{completed.token}/",
            f"{prefix}/results/{completed.token}/delete/",
        ]
    return paths


def test_every_public_page_sends_the_security_headers(client, questionnaire):
    for path in public_paths(questionnaire):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client, questionnaire):
    for path in public_paths(questionnaire):
        html = client.get(path).content.decode()
        assert "<script>" not in html, path
        assert " style=" not in html, path
        assert "<style" not in html, path


def test_every_form_is_protected_against_csrf(questionnaire):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assessment = answered_assessment(questionnaire, complete=False)
    for path in [
        "/start/",
        f"/a/{assessment.token}/area/1/",
        f"/a/{assessment.token}/background/",
        f"/results/{assessment.token}/delete/",
        "/i18n/setlang/",
    ]:
        assert strict.post(path, {}).status_code == 403, path
    assert Assessment.objects.filter(pk=assessment.pk).exists()


@override_settings(RATE_LIMIT_START="3/h")
def test_starting_tests_is_rate_limited_per_address(client, questionnaire):
    for _ in range(3):
        assert client.post("/start/").status_code == 302
    response = client.post("/start/")
    assert response.status_code == 429
    assert "Too many requests" not in response.content.decode()  # Finnish page
    assert "Liian monta pyyntöä" in response.content.decode()
    assert Assessment.objects.count() == 3
    # Another address is not affected.
    assert client.post("/start/", REMOTE_ADDR="203.0.113.9").status_code == 302


@override_settings(RATE_LIMIT_SUBMIT="4/h")
def test_saving_answers_is_rate_limited(client, questionnaire):
    assessment = answered_assessment(questionnaire, complete=False)
    path = f"/en/a/{assessment.token}/area/1/"
    for _ in range(4):
        assert client.post(path, {"autosave": "1"}).status_code == 204
    assert client.post(path, {"autosave": "1"}).status_code == 429
    assert client.get(path).status_code == 200  # reading is never limited


@override_settings(TRUSTED_PROXIES=["127.0.0.1"], TRUSTED_PROXY_COUNT=1, RATE_LIMIT_START="2/h")
def test_behind_a_proxy_the_forwarded_client_address_is_limited(client, questionnaire):
    for _ in range(2):
        assert client.post("/start/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert client.post("/start/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # A client that forges extra hops is still counted by the address the proxy saw.
    assert client.post("/start/", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.1").status_code == 429
    assert client.post("/start/", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_the_honeypot_rejects_bots(client, questionnaire):
    assessment = answered_assessment(questionnaire, complete=False)
    response = client.post(
        f"/en/a/{assessment.token}/background/",
        {"organisation": "Bot Ltd", "website": "http://spam.example"},
    )
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert not assessment.is_completed
    assert assessment.organisation == ""


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_admin_logins_lock_the_account_out(client, superuser):
    login = reverse("admin:login")
    for _ in range(3):
        response = client.post(login, {"username": "boss", "password": "wrong"})
        assert response.status_code in (200, 403, 429)
    # Even the right password is refused while locked out.
    response = client.post(login, {"username": "boss", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_a_correct_admin_login_works(client, superuser):
    response = client.post(reverse("admin:login"), {"username": "boss", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "token",
    ["", "short", "x" * 32, "x" * 200, "%00" * 20, "../" * 15, "' OR '1'='1" * 4],
)
def test_a_wrong_or_malformed_token_is_a_404_never_a_403_or_500(client, questionnaire, token):
    real = answered_assessment(questionnaire)
    for path in (f"/results/{token}/", f"/a/{token}/area/1/", f"/results/{token}/delete/"):
        assert client.get(path).status_code == 404
    # A token that shares the real one's prefix but not the rest is still refused.
    near_miss = real.token[:-1] + ("A" if real.token[-1] != "A" else "B")
    assert client.get(f"/results/{near_miss}/").status_code == 404
    assert client.get(f"/results/{real.token}/").status_code == 200


def test_no_url_takes_a_database_id(client, questionnaire):
    assessment = answered_assessment(questionnaire)
    for path in (f"/results/{assessment.pk}/", f"/a/{assessment.pk}/area/1/"):
        assert client.get(path).status_code == 404


def test_entered_text_is_escaped_on_the_results_page(client, questionnaire):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assessment = answered_assessment(questionnaire, organisation=payload)
    html = client.get(f"/results/{assessment.token}/").content.decode()
    assert payload not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_health_probes(client, db):
    live = client.get("/healthz")
    assert (live.status_code, live.content) == (200, b"ok")
    ready = client.get("/readyz", HTTP_HOST="not-an-allowed-host.example")
    assert (ready.status_code, ready.content) == (200, b"ready")


def test_readiness_fails_plainly_when_the_database_does_not_answer(client, db, monkeypatch):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("could not connect to server at 10.1.2.3 password=secret")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_entered_text_is_escaped_in_the_admin(superuser_client, questionnaire):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assessment = answered_assessment(
        questionnaire, organisation=payload, email="a@example.com", consent_to_contact=True
    )
    for path in (
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_change", args=[assessment.pk]),
    ):
        response = superuser_client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert payload not in html, path
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, path


# --- Forwarded addresses count only from the trusted proxies (issue 18, finding 7) ------------

PROXY = "10.0.0.2"
OUTSIDER = "203.0.113.7"  # reaches gunicorn's port directly, past the proxy
PROXY_SETTINGS = [
    # What docker-compose.yml set: a proxy count, and no word of who the proxy is.
    {"TRUSTED_PROXY_COUNT": 1},
    {"TRUSTED_PROXY_COUNT": 1, "TRUSTED_PROXIES": [PROXY]},
    {"TRUSTED_PROXY_COUNT": 0, "TRUSTED_PROXIES": ["10.0.0.0/24"]},
]


def forwarded_request(remote, forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize("proxy_settings", PROXY_SETTINGS)
def test_a_forged_forwarded_address_does_not_escape_the_rate_limit(
    client, questionnaire, proxy_settings
):
    with override_settings(RATE_LIMIT_START="2/h", **proxy_settings):
        for claimed in ("198.51.100.1", "198.51.100.2"):
            response = client.post("/start/", REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=claimed)
            assert response.status_code == 302
        forged = client.post("/start/", REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR="198.51.100.3")
        assert forged.status_code == 429
        assert Assessment.objects.count() == 2


@pytest.mark.parametrize("proxy_settings", PROXY_SETTINGS)
def test_a_forged_forwarded_address_does_not_escape_the_login_lockout(
    client, superuser, proxy_settings
):
    login = reverse("admin:login")
    with override_settings(AXES_FAILURE_LIMIT=3, **proxy_settings):
        for n in range(3):
            client.post(
                login,
                {"username": "boss", "password": "wrong"},
                REMOTE_ADDR=OUTSIDER,
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            )
        response = client.post(
            login,
            {"username": "boss", "password": PASSWORD},
            REMOTE_ADDR=OUTSIDER,
            HTTP_X_FORWARDED_FOR="198.51.100.99",
        )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("count", [1, 0])
def test_behind_a_trusted_proxy_one_clients_lockout_is_not_everyones(superuser, settings, count):
    from django.test import Client

    settings.TRUSTED_PROXIES = [PROXY]
    settings.TRUSTED_PROXY_COUNT = count
    settings.AXES_FAILURE_LIMIT = 3
    login = reverse("admin:login")
    guesser, colleague = Client(), Client()
    for _ in range(3):
        guesser.post(
            login,
            {"username": "boss", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = guesser.post(
        login,
        {"username": "boss", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code in (403, 429)
    # The same proxy, another client: counted by its own address, so not locked out.
    response = colleague.post(
        login,
        {"username": "boss", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert "_auth_user_id" in colleague.session


@pytest.mark.parametrize(
    ("proxies", "count", "remote", "forwarded", "client"),
    [
        # No proxy trusted: the socket's address, whatever the header says.
        ([], 0, OUTSIDER, "198.51.100.1", OUTSIDER),
        ([], 1, OUTSIDER, "198.51.100.1", OUTSIDER),
        # Past the proxy, straight to the app server.
        ([PROXY], 1, OUTSIDER, "198.51.100.1", OUTSIDER),
        # Through the proxy: the address it saw; forged hops to its left are ignored.
        ([PROXY], 1, PROXY, "198.51.100.1", "198.51.100.1"),
        ([PROXY], 1, PROXY, "192.0.2.9, 198.51.100.1", "198.51.100.1"),
        ([PROXY], 0, PROXY, "192.0.2.9, 198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/24"], 0, PROXY, "192.0.2.9, 198.51.100.1", "198.51.100.1"),
        # Two proxies: the load balancer (10.0.0.5) and the one that connected.
        (["10.0.0.0/24"], 2, PROXY, "192.0.2.9, 198.51.100.1, 10.0.0.5", "198.51.100.1"),
        (["10.0.0.0/24"], 0, PROXY, "192.0.2.9, 198.51.100.1, 10.0.0.5", "198.51.100.1"),
        # A count of one stops after the first proxy, even at a trusted address.
        (["10.0.0.0/24"], 1, PROXY, "198.51.100.1, 10.0.0.5", "10.0.0.5"),
        # The proxy sent no header, or nonsense: the proxy's own address.
        ([PROXY], 1, PROXY, None, PROXY),
        ([PROXY], 1, PROXY, "unknown", PROXY),
        # IPv6.
        (["fd00::/8"], 1, "fd00::2", "2001:db8::1", "2001:db8::1"),
        (["10.0.0.0/24"], 1, "::ffff:10.0.0.2", "198.51.100.1", "198.51.100.1"),
    ],
)
def test_client_ip(proxies, count, remote, forwarded, client):
    from assessments.security import client_ip

    with override_settings(TRUSTED_PROXIES=proxies, TRUSTED_PROXY_COUNT=count):
        assert client_ip(forwarded_request(remote, forwarded)) == client


PROXY_CHECKS = {"assessments.E001", "assessments.W001", "assessments.W002", "assessments.W003"}


@pytest.mark.parametrize(
    ("proxy_settings", "expected"),
    [
        ({"TRUSTED_PROXY_COUNT": 1}, {"assessments.W001"}),
        (
            {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")},
            {"assessments.W002"},
        ),
        ({"TRUSTED_PROXIES": ["10.0.0.2", "a-proxy"]}, {"assessments.E001"}),
        ({"TRUSTED_PROXIES": ["0.0.0.0/0"]}, {"assessments.W003"}),
        (
            {
                "TRUSTED_PROXIES": ["10.0.0.0/24"],
                "TRUSTED_PROXY_COUNT": 1,
                "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
            },
            set(),
        ),
        ({}, set()),
    ],
)
def test_a_wrong_proxy_setting_is_reported_at_start(proxy_settings, expected):
    """Through run_checks, as every manage.py command (migrate at start included) runs them."""
    from django.core.checks import run_checks

    defaults = {"TRUSTED_PROXIES": [], "TRUSTED_PROXY_COUNT": 0, "SECURE_PROXY_SSL_HEADER": None}
    with override_settings(**{**defaults, **proxy_settings}):
        reported = {message.id for message in run_checks()} & PROXY_CHECKS
    assert reported == expected


@pytest.mark.parametrize(("sender", "secure"), [("203.0.113.9", False), ("10.0.0.1", True)])
def test_only_a_trusted_proxy_may_say_a_request_came_over_https(db, sender, secure):
    """A direct connection to the app server that claims X-Forwarded-Proto: https is redirected
    to HTTPS like any plain request; the same header from the proxy is believed."""
    from django.test import Client

    with override_settings(
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        SECURE_SSL_REDIRECT=True,
        TRUSTED_PROXIES=["10.0.0.1"],
    ):
        response = Client().get("/privacy/", REMOTE_ADDR=sender, HTTP_X_FORWARDED_PROTO="https")
    if secure:
        assert response.status_code == 200
    else:
        assert response.status_code == 301
        assert response["Location"].startswith("https://")
