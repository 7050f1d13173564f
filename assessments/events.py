"""Signals of the core that other rooms act on, so that the core need not import them.

The core's writes announce what happened; whoever keeps something derived from an assessment
(report/cache.py keeps rendered PDFs) connects a receiver and forgets its copy.
"""

from django.dispatch import Signal

# Sent with `assessment=` once the transaction that stored an assessment's result has committed.
assessment_completed = Signal()

# Sent with `assessment=` when an assessment's personal data is erased but its row stays
# (anonymisation). A deleted assessment needs no signal of its own: Django's post_delete is sent.
personal_data_erased = Signal()
