"""Who may do what in the admin: the consultants' group and its permissions.

The group itself is created by a data migration (0003_consultants_group), which keeps its own copy
of these names as migrations must; a test checks that the two agree.
"""

CONSULTANTS_GROUP = "Consultants"

# Exactly what a consultant needs: read assessments with their answers, keep the follow-up fields
# and per-area comments, read the questionnaire content. Nothing on users or groups, no deleting
# assessments, no editing content.
CONSULTANT_PERMISSIONS: frozenset[str] = frozenset(
    {
        "assessments.view_assessment",
        "assessments.change_assessment",
        "assessments.view_answer",
        "assessments.view_areacomment",
        "assessments.change_areacomment",
        "assessments.view_questionnaireversion",
        "assessments.view_maturitylevel",
        "assessments.view_area",
        "assessments.view_arealevel",
        "assessments.view_question",
        "assessments.view_option",
    }
)
