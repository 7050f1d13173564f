# The CX maturity test: one image, run with gunicorn, configured from the environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) for the PDF report.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --no-log-init --uid 10001 app
WORKDIR /app

# The exact versions of requirements.lock (make lock), so that every build is the same.
COPY requirements.lock ./
RUN pip install -r requirements.lock

# The code and the collected static files belong to root: the app's user can read them but not
# change them. It writes only to /app/media (rendered reports; a volume in compose.yaml) and /tmp.
COPY . .
# collectstatic needs settings but no real secret or database.
RUN DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3* \
    && mkdir -p /app/media && chown app:app /app/media

USER app
EXPOSE 8000
# Docker runs this; Podman keeps it only in the docker image format (BUILDAH_FORMAT=docker).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status == 200 else 1)"

CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py load_questionnaire && exec gunicorn cxmaturity.wsgi:application -c gunicorn.conf.py"]
