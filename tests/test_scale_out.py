"""Two app servers behind one load balancer share one PostgreSQL and one Redis.

Starts two real gunicorn processes against a PostgreSQL database and a Redis database of this
test's own and shows that a respondent can hop between them: the session, the saved answers and
the rate limits hold across servers.
"""

import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from . import live_server

PG_ADMIN_URL = os.environ.get("SCALE_OUT_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("SCALE_OUT_REDIS", "redis://127.0.0.1:6379/15")
DATABASE = "cx_scale_out_test"

pytestmark = pytest.mark.slow


def _services_or_skip():
    import psycopg
    import redis

    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # any failure means the services are not there
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL and Redis must run on 127.0.0.1 in CI: {exc}")
        pytest.skip(f"needs PostgreSQL and Redis on 127.0.0.1: {exc}")


@pytest.fixture(scope="module")
def two_servers():
    _services_or_skip()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    database_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "0",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "SECRET_KEY": "scale-out-test-key-shared-by-both-servers-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATE_LIMIT_START": "3/h",
    }
    live_server.fresh_database(PG_ADMIN_URL, DATABASE, env)
    ports = [live_server.free_port() for _ in range(2)]
    servers = [live_server.start_gunicorn(env, port, 1) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            if not live_server.is_ready(url):
                pytest.fail(f"{url} did not start")
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        live_server.drop_database(PG_ADMIN_URL, DATABASE)
        redis.Redis.from_url(REDIS_URL).flushdb()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping client that can talk to either server, like a user behind a balancer."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, url, data=None):
        if data is not None:
            csrf = next(c.value for c in self.jar if c.name == "csrftoken")
            data = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.headers, response.read().decode()


def test_session_answers_and_rate_limits_hold_across_servers(two_servers):
    a, b = two_servers
    browser = Browser()
    assert browser.request(f"{a}/")[0] == 200  # the CSRF cookie comes from server A

    status, headers, _ = browser.request(f"{b}/start/", {})  # …and is accepted by server B
    assert status == 302
    token = re.search(r"/a/([^/]+)/area/1/", headers["Location"]).group(1)

    # The session written by B is read by A: A offers to continue the same test.
    assert f"/a/{token}/" in browser.request(f"{a}/")[2]

    # Answers saved through A are shown by B.
    page = browser.request(f"{a}/a/{token}/area/1/")[2]
    names = sorted(set(re.findall(r'name="(q_[A-Z0-9]+)"', page)))
    first_options = {
        name: re.search(rf'name="{name}" value="(\d+)"', page).group(1) for name in names
    }
    assert browser.request(f"{a}/a/{token}/area/1/", first_options)[0] == 302
    page_on_b = browser.request(f"{b}/a/{token}/area/1/")[2]
    for name, value in first_options.items():
        assert re.search(rf'name="{name}" value="{value}" id="[^"]+" checked', page_on_b)
    assert browser.request(f"{b}/a/{token}/")[1]["Location"].endswith(f"/a/{token}/area/2/")

    # The start limit (3 per hour here) counts starts on both servers together.
    assert browser.request(f"{a}/start/", {})[0] == 302
    assert browser.request(f"{b}/start/", {})[0] == 302
    assert browser.request(f"{a}/start/", {})[0] == 429
    assert browser.request(f"{b}/start/", {})[0] == 429
