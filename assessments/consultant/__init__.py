"""The consultant's side: the admin (one module per model admin, in admin/), the reads behind
it (workspace), the dashboard, spreadsheet exports, the admin's template tags and the
consultant's PDF download.

May import: report, services, selectors, models and below. Never respondent.
"""
