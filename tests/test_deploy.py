"""Production settings: `check --deploy` is clean and nothing insecure is a default."""

import os
import re
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
    "TRUSTED_PROXIES": "10.0.0.2",  # the proxy that sets X-Forwarded-Proto (docs/deploy.md)
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # The data controller and its contact, required in production (assessments/consultancy.py).
    "SERVICE_OWNER": "Esimerkki Oy",
    "CONTACT_EMAIL": "cx@example.com",
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
        "cxmaturity.storage.StaticFilesStorage",
    ]


# compose.yaml: what `docker compose up` exposes and whom it trusts (issue 18, finding 7).

COMPOSE_FILE = BASE_DIR / "compose.yaml"
_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<default>[^}]*))?\}")


def _interpolate(value, environment):
    """A compose file's ${NAME}, ${NAME:-default} and ${NAME:?error}, as compose reads them."""

    def one(match):
        name, op, default = match["name"], match["op"], match["default"]
        if environment.get(name):
            return environment[name]
        if op and op.endswith("?"):
            raise AssertionError(f"compose refuses to start without {name}: {default}")
        return default if op else ""

    return _VARIABLE.sub(one, str(value))


def _compose():
    import yaml

    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def _environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


REQUIRED = {"SECRET_KEY": "s", "ALLOWED_HOSTS": "cx.example.com", "POSTGRES_PASSWORD": "p"}


def test_the_compose_file_is_compose_yaml_at_the_top_level():
    assert COMPOSE_FILE.is_file()
    assert not (BASE_DIR / "docker-compose.yml").exists()
    assert not (BASE_DIR / "docker-compose.yaml").exists()


@pytest.mark.parametrize("environment", [REQUIRED, {**REQUIRED, "WEB_PORT": "8080"}])
def test_compose_publishes_ports_on_127_0_0_1_only(environment):
    published = []
    for name, service in _compose()["services"].items():
        for port in service.get("ports") or []:
            assert isinstance(port, str), f"{name}: write ports as HOST_IP:HOST_PORT:PORT strings"
            parts = _interpolate(port, environment).split(":")
            assert len(parts) == 3 and parts[0] == "127.0.0.1", f"{name} publishes {port!r}"
            published.append((name, parts[2]))
    assert published == [("web", "8000")]


def test_compose_never_trusts_every_proxy():
    for name, service in _compose()["services"].items():
        env = _environment(service)
        for key in ("TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"):
            for value in (env.get(key, ""), _interpolate(env.get(key, ""), REQUIRED)):
                assert "*" not in value, f"{name}: {key}={env.get(key)!r}"
                assert "0.0.0.0/0" not in value and "::/0" not in value, f"{name}: {key}"
    web = _environment(_compose()["services"]["web"])
    # Nobody unless the operator names the proxy (the compose network's gateway, docs/deploy.md).
    assert _interpolate(web["TRUSTED_PROXIES"], REQUIRED) == ""
    proxy = {**REQUIRED, "TRUSTED_PROXIES": "172.18.0.1"}
    assert _interpolate(web["TRUSTED_PROXIES"], proxy) == "172.18.0.1"
    # gunicorn.conf.py takes FORWARDED_ALLOW_IPS from TRUSTED_PROXIES; set here, it must follow.
    if "FORWARDED_ALLOW_IPS" in web:
        assert _interpolate(web["FORWARDED_ALLOW_IPS"], proxy) == "172.18.0.1"


def test_compose_has_no_empty_defaults_that_podman_compose_passes_on_literally():
    # podman-compose 1.0 (Debian 12, the CI's engine) leaves ${NAME:-} and ${NAME-} as they are.
    def strings(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield str(key)
                yield from strings(value)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        elif node is not None:
            yield str(node)

    literal = [text for text in strings(_compose()) if re.search(r"\$\{\w+:?-\}", text)]
    assert not literal, f"write ${{NAME}} for an optional variable: {literal}"


def test_the_image_leaves_out_local_state_and_secrets():
    ignored = {
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (
        ".git",
        ".venv",
        "node_modules",
        "db.sqlite3*",
        "media",
        ".env",
        "test-artifacts",
        "**/__pycache__",
        ".mypy_cache",
        ".hypothesis",
    ):
        assert entry in ignored, entry
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER app\n" in dockerfile
    assert "COPY --chown" not in dockerfile, "the app's user must not own (and so change) its code"


def test_compose_runs_the_task_worker_and_the_hourly_round_beside_the_app():
    services = _compose()["services"]
    web, worker, followup = services["web"], services["worker"], services["followup"]
    # The same image and settings as the app, so that it runs the same code on the same queue.
    assert worker["build"] == web["build"] == followup["build"]
    assert worker["environment"] == web["environment"]
    assert worker["command"] == ["python", "manage.py", "db_worker"]
    assert worker["restart"] == "unless-stopped"
    assert "worker" not in {name for name, service in services.items() if service.get("ports")}
    assert followup["environment"] == web["environment"]
    assert "manage.py followup_send" in " ".join(followup["command"])


def test_make_run_starts_the_worker_beside_the_server():
    """One command: the worker in the background, stopped with the server (the trap)."""
    result = subprocess.run(
        ["make", "--dry-run", "run", "PORT=8399"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    recipe = result.stdout
    worker = recipe.index("manage.py db_worker &")
    trap = recipe.index("trap 'kill $worker")
    server = recipe.index("manage.py runserver 127.0.0.1:8399")
    assert worker < trap < server
