"""The admin's content labels (workspace.ContentLabels) are read once per process and language
while no version changes, and read again as soon as one does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments.consultant.workspace import ContentLabels

pytestmark = pytest.mark.django_db


def test_the_labels_are_read_again_when_a_name_changes(questionnaire):
    with translation.override("en"):
        first = ContentLabels.load()
        with CaptureQueriesContext(connection) as context:
            again = ContentLabels.load()
        assert again == first
        assert len(context.captured_queries) == 1  # only the versions' revisions

        level = questionnaire.levels.get(level=3)
        # A draft-like change (the fixture's version has no responses, so it is not frozen).
        level.name_en = "Renamed level"
        level.save()
        assert ContentLabels.load().level_name(questionnaire.pk, 3) == "Renamed level"
        assert ContentLabels.load().current_level_names[3] == "Renamed level"


def test_the_labels_are_read_per_language(questionnaire):
    level = questionnaire.levels.get(level=3)
    with translation.override("fi"):
        finnish = ContentLabels.load().level_name(questionnaire.pk, 3)
    with translation.override("en"):
        english = ContentLabels.load().level_name(questionnaire.pk, 3)
    assert finnish == level.name_fi
    assert english == level.name_en
    assert finnish != english
