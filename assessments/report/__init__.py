"""The report: the stored result joined with the texts it was scored on (build), what the PDF
adds (document), the WeasyPrint renderer (pdf) with its static-files-only fetcher (fetcher),
the storage cache of rendered PDFs (cache), the download response (download) and the task that
renders a completed test's report ahead of its download (tasks). The team's report (team, from
teams.selectors) is served from the owner link by views and urls.

May import: teams, selectors, models, events and below. Never respondent or consultant, and never
services: the cache learns of deletions through post_delete and events.personal_data_erased.
"""
