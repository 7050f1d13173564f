"""The CX maturity test: one Django app, as rooms by who uses them over a shared core.

    respondent/  consultant/        the public test; the consultant's admin, dashboard, exports
          \\          /
           report/                  the stored result with its texts, the PDF and its cache
              |
    followup/  webhooks/            emails and reminders; signed webhooks to a CRM (sub-apps)
              |
    services, content, versioning,  writes (keyword-only, each checks its own preconditions)
    demo, translation
              |
          selectors                 reads shared by more than one caller
              |
            models                  the questionnaire's versioned content and the assessments
              |
        result_format               the one owner of the stored result's layout
              |
    scoring, statistics, codes,     pure rules and constants (no Django in scoring,
    roles, events, health,          statistics, result_format, codes, redaction); permission
    security, headers, limits,      names, signals, probes and outage pages, trusted proxies,
    redaction, embed                response headers, request-size limits, token-free logs,
                                    who may frame the respondent's pages

Arrows run downwards only; the contracts in pyproject.toml ([tool.importlinter]) enforce it.
See docs/architecture.md.
"""
