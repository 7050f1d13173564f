"""The consultant workspace in the Django admin: one module per model admin.

Imported by AssessmentsConfig.ready(), which registers the admins. May import the consultant's
own modules, the report package and the core (services, selectors, models); never the
respondent's pages.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import areas, assessments, questions, teams, versions

admin.site.site_header = _("CX maturity – consultant workspace")
admin.site.site_title = _("CX maturity")
admin.site.index_title = _("Consultant workspace")
# The assessment list is wide; the page needs the room more than a second menu.
admin.site.enable_nav_sidebar = False

__all__ = ["areas", "assessments", "questions", "teams", "versions"]
