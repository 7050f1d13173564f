"""Who may do what in the admin: the permission names the code checks, and the consultants' group.

The group itself is created by a data migration (0003_consultants_group), which keeps its own copy
of these names as migrations must; a test checks that the two agree.
"""

CONSULTANTS_GROUP = "Consultants"

VIEW_ASSESSMENT = "assessments.view_assessment"
CHANGE_ASSESSMENT = "assessments.change_assessment"
VIEW_ANSWER = "assessments.view_answer"
VIEW_AREA_COMMENT = "assessments.view_areacomment"
CHANGE_AREA_COMMENT = "assessments.change_areacomment"
VIEW_TEAM = "teams.view_team"
ADD_VERSION = "assessments.add_questionnaireversion"
CHANGE_VERSION = "assessments.change_questionnaireversion"

# Exactly what a consultant needs: read assessments with their answers, keep the follow-up fields
# and per-area comments, read the questionnaire content. Nothing on users or groups, no deleting
# assessments, no editing content.
CONSULTANT_PERMISSIONS: frozenset[str] = frozenset(
    {
        VIEW_ASSESSMENT,
        CHANGE_ASSESSMENT,
        VIEW_ANSWER,
        VIEW_AREA_COMMENT,
        CHANGE_AREA_COMMENT,
        "assessments.view_questionnaireversion",
        "assessments.view_maturitylevel",
        "assessments.view_area",
        "assessments.view_arealevel",
        "assessments.view_question",
        "assessments.view_option",
        # Team assessments (issue 17): their aggregates only, never a member's test.
        VIEW_TEAM,
    }
)
