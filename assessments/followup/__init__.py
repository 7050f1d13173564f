"""Emails that follow a test up: the private results link on request, consultants told of a new
consenting lead, and reminders to retake the test (opt-in, one-click unsubscribe).

    views, urls, receivers, tasks,   the results page's "email me the link" form and the
    management                       unsubscribe page; the core's signals; sending by the worker;
          |                          the daily command (reminders, digest)
    services                         writes: requests, opt-ins, opt-outs, lead notices
          |
    emails                           each email's text and HTML in the right language
          |
    models                           one row per request, per lead, per opt-in
"""
