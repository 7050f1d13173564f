"""Production settings: `check --deploy` is clean and nothing insecure is a default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"HTTPS", "STATIC_MANIFEST", "DEBUG"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qm2$vL9pX!wR4zT8nB1cY6hJ3fD5sG0aE-unique-production-like-key",
    "ALLOWED_HOSTS": "cx.example.com",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.slow
def test_check_deploy_with_production_settings_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", **env, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_setting_fails_loudly():
    result = manage("check", **PRODUCTION, DB_POOL_MAX_SIZE="ten", DATABASE_URL="postgres://x@h/db")
    assert result.returncode != 0
    assert "ten" in result.stderr


def test_production_defaults_are_secure():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.DEBUG, s.STORAGES['staticfiles']['BACKEND'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]
