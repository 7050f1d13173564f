"""Team assessments (issue 17): many colleagues of one organisation take the test through one
invite link, and the owner of the team sees only what the team says together.

    views, urls, forms       the start, invite and owner pages (in the "assessments" namespace)
          |
    services · selectors     writes (start, join, close, delete) · the owner page's figures
          |
    models · receivers       teams and their members; a team's deletion erases its members' tests
          |
    aggregates               pure: means, spreads, the disagreement ranking, role groups

The package sits beside benchmarks and webhooks, under report and the rooms: it needs nothing of
the report (a question's recommendation is its tip in the content), and so the consultant's admin
can show teams.
"""
