"""Codes that travel through forms, templates and stored data, defined once.

Pure constants: no Django, no database.
"""

# The form value of the "Don't know" answer; stored as an answer without an option.
DONT_KNOW = "dk"

# The form value of the "Not applicable" answer (the practice does not exist in the respondent's
# kind of organisation); stored as an answer without an option, marked not applicable.
NOT_APPLICABLE = "na"
