"""`make bench`'s URLconf: the app's own addresses plus `/__bench__/bare`, through bench.settings.

The bare view answers a short text through the whole middleware stack and nothing else: the
floor that every page's throughput is compared with.
"""

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from bench import BARE_PATH
from cxmaturity.urls import urlpatterns as app_urlpatterns


@require_safe
def bare(request: HttpRequest) -> HttpResponse:
    # The worker's pid lets the bench spread its connections evenly over the workers.
    return HttpResponse(f"bare {os.getpid()}\n", content_type="text/plain; charset=utf-8")


# The app's list is taken as it is, so that its i18n_patterns stay at the root (LocaleMiddleware
# looks for them there) and every address resolves as in production.
urlpatterns = [path(BARE_PATH.lstrip("/"), bare), *app_urlpatterns]
