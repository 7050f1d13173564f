"""The SSRF guard refuses every address that is not public, also behind a name; the resolver
is patched, so nothing is looked up or connected to outside this machine."""

from __future__ import annotations

import socket

import pytest

from assessments.webhooks import guard
from assessments.webhooks.models import WebhookEndpoint


def _resolving_to(monkeypatch, address: str) -> list[str]:
    asked: list[str] = []

    def fake_getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    return asked


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1/hook",
        "https://[::1]:8443/hook",
        "https://169.254.169.254/",
        "https://10.0.0.5/",
        "https://192.168.1.1/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
        "https://[fe80::1]/",
        "https://100.64.0.1/",
    ],
)
def test_local_private_and_link_local_addresses_are_refused(settings, url):
    settings.WEBHOOK_HTTPS_ONLY = False
    with pytest.raises(guard.UnsafeURL):
        guard.url_check(url)


def test_a_name_that_resolves_to_a_private_address_is_refused(settings, monkeypatch):
    asked = _resolving_to(monkeypatch, "10.1.2.3")
    with pytest.raises(guard.UnsafeURL, match="10.1.2.3"):
        guard.url_check("https://crm.example.com/hook")
    assert asked == ["crm.example.com"]


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(guard.UnsafeURL):
        guard.url_check("https://crm.example.com/hook")


def test_a_public_https_address_is_accepted_and_pinned(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14")
    target = guard.url_check("https://crm.example.com:8443/in?x=1")
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "crm.example.com",
        8443,
        "/in?x=1",
        "93.184.215.14",
    )


def test_plain_http_is_refused_when_https_is_required(settings, monkeypatch):
    settings.WEBHOOK_HTTPS_ONLY = True
    _resolving_to(monkeypatch, "93.184.215.14")
    with pytest.raises(guard.UnsafeURL, match="https"):
        guard.url_check("http://crm.example.com/hook")


def test_an_unresolvable_name_is_refused(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("no such name")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(guard.UnsafeURL):
        guard.url_check("https://nowhere.invalid/")


def test_credentials_in_the_address_are_refused(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14")
    with pytest.raises(guard.UnsafeURL):
        guard.url_check("https://user:secret@crm.example.com/")


def test_the_setting_allows_a_listed_local_address_explicitly(settings):
    settings.WEBHOOK_HTTPS_ONLY = False
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert guard.url_check("http://127.0.0.1:9/hook").address == "127.0.0.1"
    with pytest.raises(guard.UnsafeURL):
        guard.url_check("http://[::1]:9/hook")


@pytest.mark.django_db
def test_the_endpoint_is_checked_when_saved(monkeypatch):
    _resolving_to(monkeypatch, "192.168.0.10")
    endpoint = WebhookEndpoint(name="CRM", url="https://crm.example.com/hook")
    with pytest.raises(guard.ValidationError) as refused:
        endpoint.full_clean()
    assert "url" in refused.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/hook", "https://[::1]/hook", "https://169.254.169.254/latest/"]
)
def test_the_admin_refuses_to_save_a_local_address(superuser_client, url):
    from django.urls import reverse

    response = superuser_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "name": "CRM",
            "url": url,
            "events": ["assessment.completed"],
            "is_active": "on",
            "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_the_admin_saves_a_public_https_address(superuser_client, monkeypatch):
    from django.urls import reverse

    _resolving_to(monkeypatch, "93.184.215.14")
    response = superuser_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "name": "CRM",
            "url": "https://crm.example.com/hook",
            "events": ["assessment.completed", "data.deleted"],
            "is_active": "on",
            "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        },
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().events == ["assessment.completed", "data.deleted"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "resolves_to", "refused"),
    [
        ("http://127.0.0.1/hook", None, "127.0.0.1"),
        ("http://[::1]/hook", None, "::1"),
        ("http://169.254.169.254/latest/meta-data/", None, "169.254.169.254"),
        ("http://crm.example.com/hook", "10.20.30.40", "10.20.30.40"),
        ("https://crm.example.com/hook", "192.168.1.10", "192.168.1.10"),
    ],
)
def test_a_delivery_to_a_local_or_private_address_is_refused_before_any_connection(
    settings, monkeypatch, questionnaire, url, resolves_to, refused
):
    """At sending time too (an endpoint saved before its name turned private, or written past
    the admin): the worker refuses it for good and never opens a connection."""
    from assessments.webhooks import tasks
    from assessments.webhooks.models import EventType, WebhookMessage

    from ..factories import answered_assessment

    settings.WEBHOOK_HTTPS_ONLY = False
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    asked = _resolving_to(monkeypatch, resolves_to) if resolves_to else []
    connections: list[object] = []

    def no_connection(address, *args, **kwargs):
        connections.append(address)
        raise AssertionError(f"a connection was opened to {address}")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    # Past the admin's check (objects.create runs no clean()).
    WebhookEndpoint.objects.create(name="CRM", url=url, events=[EventType.ASSESSMENT_COMPLETED])
    answered_assessment(questionnaire)
    message = WebhookMessage.objects.get()

    assert tasks.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.last_status_code) == ("failed", None)
    assert refused in message.last_error
    assert connections == []
    assert asked == (["crm.example.com"] if resolves_to else [])
