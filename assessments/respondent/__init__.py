"""The public test: landing page, one page per area, background, results, the PDF download and
"delete my data". Views, forms and URLs only; the rules live in services.

May import: report, services, selectors, models and below. Never consultant.
"""
