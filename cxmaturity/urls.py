from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

ADMIN_PATH = settings.ADMIN_URL.strip("/") + "/"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]

# Finnish, the default, lives at the root; English under /en/.
urlpatterns += i18n_patterns(
    path(ADMIN_PATH, admin.site.urls),
    path("", include("assessments.urls")),
    prefix_default_language=False,
)
