"""Team assessments (issue 17): many colleagues of one organisation take the test through one
invite link, and the owner of the team sees only what the team says together.

    views, urls, forms       the start, invite and owner pages (in the "assessments" namespace)
          |
    services · selectors     writes (start, join, close, delete, invite, purge) · the figures
          |
    emails · tasks           the invite and owner links by email, sent by the task worker
          |
    models · receivers       teams and their members; a team's deletion erases its members' tests
          |
    aggregates               pure: means, spreads, the disagreement ranking, role groups

The package sits beside benchmarks and webhooks, under report and the rooms: it needs nothing of
the report (a question's recommendation is its tip in the content), so the consultant's admin
can show teams, and the team's PDF lives in the report (report/team.py, from these selectors).
"""
