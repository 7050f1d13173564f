"""The admin app with the consultant's own admin site (Django's documented way to replace the
default site): INSTALLED_APPS names this config instead of "django.contrib.admin".

Imported while the app registry is being filled, so it names the site by its dotted path only.
"""

from django.contrib.admin.apps import AdminConfig


class ConsultantAdminConfig(AdminConfig):
    default_site = "assessments.consultant.site.ConsultantAdminSite"
