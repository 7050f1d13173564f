"""`make bench`'s settings: the app's own settings, with a URLconf that adds a bare view.

Selected only by the environment that bench/bench.py gives its gunicorn and itself
(`DJANGO_SETTINGS_MODULE=bench.settings` with `CX_BENCH=1`); production's
`cxmaturity.settings` never names it, so `/__bench__/bare` exists only while `make bench` runs.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from cxmaturity.settings import *  # noqa: F403

if os.environ.get("CX_BENCH") != "1":
    raise ImproperlyConfigured("bench.settings is for make bench only (it sets CX_BENCH=1).")

ROOT_URLCONF = "bench.urls"
