"""The stored result's layout: written and read only by result_format, keyed by area code."""

from __future__ import annotations

import importlib
import json

import pytest
from hypothesis import given

from assessments import result_format
from assessments.scoring import AssessmentResult, score_assessment

from .test_scoring import SCORE_31_3, SCORE_50, assessment, questionnaires

migration = importlib.import_module("assessments.migrations.0005_results_keyed_by_area_code")


def roundtrip(result: AssessmentResult) -> AssessmentResult:
    return result_format.load(json.loads(json.dumps(result_format.dump(result))))


def test_dump_and_load_round_trip_through_json() -> None:
    result = assessment(SCORE_31_3, ([1, 1, 1], [3, 3, 5]), ([2, 1, 1], [None, 4, None]))
    assert result.overall_score is not None
    assert result.strengths
    assert result.priorities
    assert roundtrip(result) == result
    empty = assessment(([1, 1], [None, None]))
    assert roundtrip(empty) == empty


@given(questionnaires())
def test_any_scored_result_survives_storage(case) -> None:
    specs, answers = case
    result = score_assessment(specs, answers)
    assert roundtrip(result) == result


def test_areas_are_keyed_by_code_and_keep_their_order() -> None:
    result = assessment(SCORE_50, SCORE_31_3)
    data = result_format.dump(result)
    assert data["version"] == result_format.RESULT_FORMAT_VERSION
    assert set(data["areas"]) == {"a", "b"}
    # jsonb keeps no key order: the order is stored beside the areas.
    shuffled = {**data, "areas": dict(reversed(list(data["areas"].items())))}
    assert [area.code for area in result_format.load(shuffled).areas] == ["a", "b"]
    assert result_format.area_levels(data) == {"a": 3, "b": 2}
    assert result_format.overall_level(data) == result.overall_level


def test_unusable_data_is_refused_with_one_exception_type() -> None:
    data = result_format.dump(assessment(SCORE_50))
    with pytest.raises(result_format.UnreadableResult, match="version"):
        result_format.load({**data, "version": 1})
    with pytest.raises(result_format.UnreadableResult, match="not a stored assessment result"):
        result_format.load({k: v for k, v in data.items() if k != "areas"})
    with pytest.raises(result_format.UnreadableResult):
        result_format.load({**data, "area_order": ["missing"]})


def test_lookup_paths_name_areas_by_code() -> None:
    assert result_format.area_level_path("quality") == "result__areas__quality__level"
    assert result_format.overall_level_path() == "result__overall_level"
    for unusable in ("", "2", "a__b"):
        with pytest.raises(ValueError):
            result_format.area_level_path(unusable)


@given(questionnaires())
def test_the_migration_converts_format_1_both_ways(case) -> None:
    specs, answers = case
    current = result_format.dump(score_assessment(specs, answers))
    old = migration.to_format_1(current)
    assert old["version"] == 1
    assert [area["code"] for area in old["areas"]] == current["area_order"]
    # Format 2 as the migration wrote it, before areas counted "not applicable" answers; the
    # questionnaires generated here have none, and a missing count reads as 0.
    converted = migration.to_format_2(old)
    assert converted == {
        **current,
        "areas": {
            code: {key: value for key, value in area.items() if key != "not_applicable"}
            for code, area in current["areas"].items()
        },
    }
    assert result_format.load(converted) == result_format.load(current)
    # Already converted results are left alone.
    assert migration.to_format_2(current) is None
