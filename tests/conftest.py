"""Shared fixtures: the real questionnaire, and the personas every access test uses.

Personas:
- `respondent`: someone who started the test on the landing page (their own client, and the
  assessment that their private token opens);
- `consultant`: staff in the Consultants group, exactly as `manage.py create_consultant` makes;
- `superuser`: the deployment's administrator;
- `outsider`: signed in, but neither staff nor consultant.
Each persona has its own client (`<persona>_client`), so one test can act as several people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from assessments.content import load_questionnaire, read_fixture
from assessments.models import Assessment

PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture(scope="session")
def questionnaire_data():
    return read_fixture()


@pytest.fixture
def questionnaire(db, questionnaire_data):
    """The real questionnaire from fixtures/questionnaire.yaml, published."""
    version, _ = load_questionnaire(questionnaire_data)
    return version


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Django's PBKDF2 spends about 0.4 s of CPU on each password, on purpose; the suite creates
    and signs in some hundreds of users, and what it checks is who gets in, not how strong the
    hash is. Production keeps Django's default hashers."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language. A request leaves its language active in
    the thread (LocaleMiddleware never resets it), so after a test that asked for /en/ pages,
    reverse() would otherwise build /en/ addresses for the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached data must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Respondent:
    client: Client
    assessment: Assessment

    @property
    def token(self) -> str:
        return self.assessment.token


@pytest.fixture
def respondent(questionnaire) -> Respondent:
    """A respondent who pressed "Start" on the landing page, with the assessment it made."""
    client = Client()
    response = client.post(reverse("assessments:start"))
    token = re.search(r"/a/([^/]+)/", response["Location"]).group(1)
    return Respondent(client=client, assessment=Assessment.objects.get(token=token))


def _signed_in(user: AbstractBaseUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def consultant(db):
    call_command("create_consultant", "kaisa", password=PASSWORD, stdout=StringIO())
    return get_user_model().objects.get(username="kaisa")


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("visitor", password=PASSWORD)


@pytest.fixture
def consultant_client(consultant) -> Client:
    return _signed_in(consultant)


@pytest.fixture
def superuser_client(superuser) -> Client:
    return _signed_in(superuser)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return _signed_in(outsider)
