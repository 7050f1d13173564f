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

# Sent inside the transaction that changes the assessment, so that a receiver writing rows of its
# own (a webhook outbox, a benchmark distribution) commits or rolls back with the change itself.
# Receivers must not do slow work here: enqueue it with transaction.on_commit.

# Sent with `assessment=` when its result has just been stored (completion).
result_stored = Signal()

# Sent with `assessment=` when the respondent has just given consent to be contacted.
consent_given = Signal()

# Sent with `assessment=` when the respondent has just asked the consultancy to contact them.
contact_requested = Signal()
