"""Settings for the CX maturity test, read from the environment (django-environ).

Every value comes from an environment variable (or a `.env` file beside manage.py). Development
defaults exist only where they are safe: with DEBUG off, SECRET_KEY must be given.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from assessments.embed import origins_check

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A fixed key is acceptable only on a developer's machine: it signs sessions and CSRF tokens.
_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105  # nosec B105
# `make run` writes a key of the machine's own into .env as DEVELOPMENT_SECRET_KEY: read only with
# DEBUG on, so that a development .env can never sign a production's sessions.
SECRET_KEY = env.str(
    "SECRET_KEY",
    default=env.str("DEVELOPMENT_SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY) if DEBUG else "",
)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that it can patch the admin's forms.
    "modeltranslation",
    # The admin with the consultant's own site (assessments/consultant/site.py).
    "assessments.consultant.apps.ConsultantAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "assessments",
    "assessments.benchmarks.apps.BenchmarksConfig",
    # Follow-up that runs by itself (issue 16): signed webhooks to a CRM.
    "assessments.webhooks",
    # ... and emails: the results link, new leads to consultants, retake reminders.
    "assessments.followup",
    # Team assessments (issue 17).
    "assessments.teams.apps.TeamsConfig",
]

MIDDLEWARE = [
    # Outermost, so that every response carries them, the probes' and every refusal's included:
    # no-store and noindex on the personal pages, CORP/COOP (assessments/headers.py), and the
    # Permissions-Policy (django-permissions-policy).
    "assessments.headers.ResponseHeadersMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before any check: a load balancer's probes get an answer before host checks or HTTPS
    # redirects.
    "assessments.health.HealthCheckMiddleware",
    # Before anything asks request.is_secure(): only a trusted proxy may say "this was HTTPS".
    "assessments.security.UntrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for pages (HTML, text, JSON) when the client accepts it: below WhiteNoise, which serves
    # static files pre-compressed (.br/.gz) and answers before reaching it, and above everything
    # that changes a response's body, as Django's docs ask, so that it compresses the final bytes.
    # Safe from BREACH here: the CSRF token on the pages is masked afresh for every response, and
    # Django pads each compressed page with random bytes (cxmaturity/compression.py,
    # docs/security.md). Responses with a Content-Encoding and file downloads (the PDF, already
    # compressed) pass through as they are.
    "cxmaturity.compression.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body: 413 above REQUEST_BODY_MAX_BYTES, 415 for non-form bodies.
    "assessments.limits.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with a policy that no response changes built once (assessments/headers.py).
    "assessments.headers.CSPMiddleware",
    # Below CSP and X-Frame-Options: lets EMBED_ALLOWED_ORIGINS frame the respondent's pages.
    "assessments.embed.EmbedMiddleware",
    # Answers a tripped rate limit with RATELIMIT_VIEW (429) instead of a bare 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Late, so that it sees the views' exceptions first: a database outage is a 503, not a 500.
    "assessments.health.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: locks out repeated failed admin logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cxmaturity.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The consultant's template tags live with the admin they serve.
            "libraries": {
                "cx_admin": "assessments.consultant.templatetags",
                # {% once %}: page parts the same for every visitor, rendered once per language.
                "once": "cxmaturity.once",
            },
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # hreflang alternates of the page in every language (base.html).
                "assessments.respondent.context.language_alternates",
                "assessments.embed.embed_context",
            ],
        },
    },
]

WSGI_APPLICATION = "cxmaturity.wsgi.application"

# The embedded default is a SQLite file in the project folder; DATABASE_URL=postgres://… switches
# to PostgreSQL through psycopg 3.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django 5.2's psycopg 3 pool: each app process keeps a few warm connections; with health
    # checks on, a connection is tested before use and replaced when broken, so a database
    # restart heals without restarting the app.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A small office taking the test together must never see "database is locked" (a 503).
    # WAL: readers and the one writer work side by side. timeout: a writer waits up to 20 s for
    # the lock (the busy timeout) instead of failing at once. BEGIN IMMEDIATE: a transaction
    # takes the write lock when it begins, because one that reads first and writes later is
    # refused at once, without waiting, when another writer came in between. synchronous=NORMAL
    # is WAL's usual pairing: safe when the app crashes; a power cut may lose the last commits but
    # never corrupts the file. Measured by make loadtest-sqlite (docs/deploy.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    # Each thread keeps its connection between requests: opening one (the file, Django's SQL
    # functions, the PRAGMAs above) cost every page more CPU than the page itself (a cached PDF
    # download 1.3 ms instead of 3 ms of a worker's CPU). Outside a transaction a connection
    # holds no lock, and each statement sees what was committed; with health checks a broken
    # connection is replaced. DB_CONN_MAX_AGE=0 opens one per request as before.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=600))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Helsinki")
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_LANGUAGES = ("fi", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Rendered reports go through the storage API: the file system by default, any
    # S3-compatible store with django-storages (STORAGE_BACKEND=storages.backends.s3.S3Storage).
    "default": {
        "BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        # WhiteNoise's CompressedManifestStaticFilesStorage, each URL looked up once.
        "BACKEND": "cxmaturity.storage.StaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Shared state lives in Redis when there is one, so that any number of app servers behind a
# load balancer agree on sessions, rate limits and cached data.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# HTTPS: on by default in production; behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https so that Django knows a request was secure.
HTTPS = env.bool("HTTPS", default=not DEBUG)
_proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header.split(",", 1)) if _proxy_header else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The language choice (/i18n/setlang/): no script reads it.
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Powerful browser features that no page of the site uses, refused for it and anything it embeds
# (django-permissions-policy; only features that Chromium recognises, so the console stays clean).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Request bodies. Nothing on the site or in the admin takes a file; the largest real form, an
# area's admin page, posts about 150 fields and 10 kB. assessments/limits.py answers 413 above
# REQUEST_BODY_MAX_BYTES before the body is read; Django refuses any file and more than the fields
# or bytes below while parsing.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = 262_144
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 0
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Content-Security-Policy (django-csp 4): only this site's own files, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The client's address, for rate limits and lockouts alike (assessments/security.py):
# X-Forwarded-For counts only from TRUSTED_PROXIES (addresses or networks, comma-separated), and
# through at most TRUSTED_PROXY_COUNT of them when that is set (0: as many as are trusted).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "assessments.security.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "assessments.respondent.views.rate_limited"
# A refused form (an expired page) is a styled page that can send the answers again.
CSRF_FAILURE_VIEW = "assessments.respondent.views.csrf_failure"
RATELIMIT_IP_META_KEY = "assessments.security.client_ip"
# Starting a test: per client address. Saving answers (pages and autosaves): per test, so that
# an office behind one address never shares a limit, under a flood ceiling per address.
RATE_LIMIT_START = env.str("RATE_LIMIT_START", default="30/h")
RATE_LIMIT_SUBMIT = env.str("RATE_LIMIT_SUBMIT", default="600/h")
RATE_LIMIT_SUBMIT_ADDRESS = env.str("RATE_LIMIT_SUBMIT_ADDRESS", default="6000/h")
if not REDIS_URL:
    # Local memory is per process: fine on one development server, not across servers.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Who runs the service: shown in the privacy notice and the report's contact details.
SERVICE_OWNER = env.str("SERVICE_OWNER", default="")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")

# The respondent's next step (results page, report, privacy notice; assessments/consultancy.py):
# who to talk to, and an optional https:// booking page for "Book a 30-minute review". In
# production SERVICE_OWNER and CONTACT_EMAIL are required (`check --deploy`, assessments.E019/E020).
CONTACT_PERSON = env.str("CONTACT_PERSON", default="")
CONTACT_PHONE = env.str("CONTACT_PHONE", default="")
BOOKING_URL = env.str("BOOKING_URL", default="")
# English dates in one format everywhere ("30 November 2026"): cxmaturity/formats/en/formats.py.
FORMAT_MODULE_PATH = ["cxmaturity.formats"]

# Background work (django-tasks): queued in the database and run by `manage.py db_worker`, which
# `make run` starts beside the server and compose runs as its own service. Any number of workers
# may share the queue, on as many machines as the app servers.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Webhooks to the consultancy's CRM (assessments/webhooks, docs/security.md). HTTPS only unless
# WEBHOOK_HTTPS_ONLY is turned off (it is off by default only with DEBUG). The SSRF guard refuses
# every private, loopback and link-local address; WEBHOOK_ALLOWED_NETWORKS lists exceptions
# (comma-separated addresses or networks, e.g. 127.0.0.1 for a local test receiver): never in
# production.
WEBHOOK_HTTPS_ONLY = env.bool("WEBHOOK_HTTPS_ONLY", default=not DEBUG)
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])

# Emails (assessments/followup, docs/deploy.md): the console in development; in production
# EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.com:587) or a provider's API through
# django-anymail (EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend, ANYMAIL as JSON).
# (compose passes an unset variable as empty: empty means the default.)
_email = environ.Env.email_url_config(
    env.str("EMAIL_URL", default="") or ("consolemail://" if DEBUG else "smtp://localhost:25")
)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
ANYMAIL = env.json("ANYMAIL", default={})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# The site's own address, for links in emails (the worker has no request to take it from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
# Sending the results link: per link and per address (django-ratelimit).
RATE_LIMIT_RESULTS_EMAIL = env.str("RATE_LIMIT_RESULTS_EMAIL", default="3/h")
# Consultants hear of each new consenting lead at once, or in one daily digest
# (manage.py followup_send) when this is on; in this language.
LEAD_EMAIL_DIGEST = env.bool("LEAD_EMAIL_DIGEST", default=False)
CONSULTANT_EMAIL_LANGUAGE = env.str("CONSULTANT_EMAIL_LANGUAGE", default=LANGUAGE_CODE)

# Embedding the test on the consultancy's own site (docs/embed.md): these origins (e.g.
# https://www.consultancy.fi, comma-separated) may frame the respondent's pages; nothing else may
# frame anything. With embedding on, cookies are SameSite=None; Secure, or the browser would not
# send them inside the frame.
EMBED_ALLOWED_ORIGINS = env.list("EMBED_ALLOWED_ORIGINS", default=[])
# Only the respondent's pages name them in frame-ancestors (assessments/embed.py); the policy above
# keeps 'none' for every other page.
origins_check(EMBED_ALLOWED_ORIGINS, https_only=HTTPS)
if EMBED_ALLOWED_ORIGINS:
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True

# How long personal data is kept (manage.py purge_expired), see docs/privacy.md.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=24)
ABANDONED_DRAFT_DAYS = env.int("ABANDONED_DRAFT_DAYS", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Logs go to standard output, where the container platform collects them.
# Every line passes through assessments/redaction.py first: no private token is ever written.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "assessments.redaction.RedactTokensFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Rendering a report logs every layout step (WeasyPrint) and every font table it subsets
    # (fontTools) at INFO: dozens of lines per download that say nothing about the service.
    "loggers": {
        # Django's own handlers (its console when DEBUG is on, mail to ADMINS, runserver's
        # request lines) would write request paths unredacted: their records go to the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The admin's path; a non-default path keeps casual scanners away from the login page.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")
# Signing in happens in the admin, and a refused or missing `next` lands there too.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Peer benchmarks (assessments/benchmarks, docs/benchmarks.md): how many organisations a
# comparison group needs before it shows a quartile band, a percentile, or (an industry or a
# size group) appears at all. The code never goes below 10 for any of them, whatever is set.
BENCHMARK_MIN_BAND = env.int("BENCHMARK_MIN_BAND", default=30)
BENCHMARK_MIN_PERCENTILE = env.int("BENCHMARK_MIN_PERCENTILE", default=100)
BENCHMARK_MIN_SEGMENT = env.int("BENCHMARK_MIN_SEGMENT", default=10)
# Demo data (manage.py seed_demo) counts in the benchmarks only when this is on; after changing
# it, run manage.py benchmark_rebuild.
BENCHMARK_INCLUDE_DEMO = env.bool("BENCHMARK_INCLUDE_DEMO", default=False)

# Team assessments (issue 17): the owner of a team sees its figures once this many colleagues have
# completed the test; assessments/teams/aggregates.py never allows fewer than 3.
TEAM_MIN_RESPONDENTS = env.int("TEAM_MIN_RESPONDENTS", default=3)
# Emailing a team's invite link from its owner page (issue 17): sends per team, each to at most
# teams.forms.MAX_INVITE_ADDRESSES addresses (django-ratelimit).
RATE_LIMIT_TEAM_INVITATIONS = env.str("RATE_LIMIT_TEAM_INVITATIONS", default="5/h")
# Downloads of a team's PDF report (rendered each time) per team.
RATE_LIMIT_TEAM_REPORT = env.str("RATE_LIMIT_TEAM_REPORT", default="20/h")
# The customer mirror (issue 17): its figures appear once this many customers have answered;
# assessments/teams/mirror.py never allows fewer than 5. Customers' answers from one address are
# limited to RATE_LIMIT_MIRROR.
TEAM_MIRROR_MIN_RESPONSES = env.int("TEAM_MIRROR_MIN_RESPONSES", default=5)
RATE_LIMIT_MIRROR = env.str("RATE_LIMIT_MIRROR", default="20/h")
