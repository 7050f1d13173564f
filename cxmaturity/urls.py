from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

ADMIN_PATH = settings.ADMIN_URL.strip("/") + "/"


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Browsers ask for /favicon.ico on every page, the admin's included; the icon is an SVG.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# Addresses that carry a respondent's private token, in every language (each page also says
# X-Robots-Tag: noindex, assessments/headers.py).
PRIVATE_PATHS = (
    "a/",
    "results/",
    "consultant/",
    "team/join/",
    "team/owner/",
    "team/customer/",
)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    prefixes = ["/"] + [
        f"/{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    ]
    private = list(PRIVATE_PATHS)
    if ADMIN_PATH == "admin/":
        # Only the well-known default: robots.txt is public, and naming a custom ADMIN_URL in it
        # would show scanners the way; the admin's pages say noindex themselves.
        private.append(ADMIN_PATH)
    lines = ["User-agent: *"] + [
        f"Disallow: {prefix}{path}" for path in private for prefix in prefixes
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
    path("robots.txt", robots_txt),
]

# Finnish, the default, lives at the root; English under /en/.
urlpatterns += i18n_patterns(
    path(ADMIN_PATH, admin.site.urls),
    path("", include("assessments.urls")),
    prefix_default_language=False,
)
