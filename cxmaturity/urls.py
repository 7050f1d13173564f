from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

ADMIN_PATH = settings.ADMIN_URL.strip("/") + "/"


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Browsers ask for /favicon.ico on every page, the admin's included; the icon is an SVG.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
]

# Finnish, the default, lives at the root; English under /en/.
urlpatterns += i18n_patterns(
    path(ADMIN_PATH, admin.site.urls),
    path("", include("assessments.urls")),
    prefix_default_language=False,
)
