"""Reads shared by more than one caller: the questionnaire as the test shows it, a respondent's
saved answers, and the scoring module's plain view of both. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Prefetch, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.utils import translation

from . import glossary, prepared, reading, scoring
from .codes import DONT_KNOW, NOT_APPLICABLE
from .models import (
    TOKEN_SELECTOR_LENGTH,
    Answer,
    Area,
    AreaLevel,
    Assessment,
    MaturityLevel,
    Option,
    Question,
    QuestionnaireVersion,
    is_token_shaped,
    token_candidates,
    tokens_match,
)


def assessment_for_token(token: str) -> Assessment | None:
    """The assessment whose private token this is, with its version; None for any other text.
    As `Assessment.objects.select_related("version").by_token(token)`, with its SQL prepared
    once (`_token_lookup`)."""
    return _by_token(_WHOLE, token)


# What finding a cached PDF report needs (its cache name and file name): a download reads these
# columns only, and the whole row (with its version) only when the report must be rendered.
DOWNLOAD_FIELDS = ("token", "completed_at", "result_revision", "updated_at", "organisation")


def assessment_for_download(token: str) -> Assessment | None:
    """The assessment whose private token this is, with only `DOWNLOAD_FIELDS` read (and its
    id); None for any other text. `assessment_for_token` reads the whole row and its version."""
    return _by_token(_DOWNLOAD, token)


# The look-ups by private token, by name: every page of a test and every download runs one, and
# building and compiling its query was about 45 % of the cached PDF's download.
_WHOLE = "whole"
_DOWNLOAD = "download"
_TOKEN_QUERYSETS: dict[str, Callable[[], QuerySet[Assessment]]] = {
    _WHOLE: lambda: Assessment.objects.select_related("version"),
    _DOWNLOAD: lambda: Assessment.objects.only(*DOWNLOAD_FIELDS),
}
# Stands for the token's prefix while the query is compiled: letters only, so that no backend
# escapes it, and no token holds it (a token is 32 characters or more and starts no query).
_PREFIX_MARK = "cxtokenprefixmark"


@dataclass(frozen=True)
class _TokenLookup:
    """One look-up's compiled SQL and what turns its rows into instances, as Django's own
    ModelIterable does (from_db, the select_related populators, the backend's converters)."""

    sql: str
    params: tuple[str, ...]  # each holds _PREFIX_MARK where the prefix goes
    like: bool  # the prefix is matched by LIKE (escaped as Django escapes it) or by a range
    model: type[Assessment]
    init_list: tuple[str, ...]
    model_end: int
    token_index: int
    related: tuple[Any, ...]
    converters: prepared.Converters


def _by_token(name: str, token: str) -> Assessment | None:
    """What `find_by_token` finds for the queryset `_TOKEN_QUERYSETS[name]`, in the same one
    query, without building it: the SQL is compiled once per connection and reused with the
    prefix as its parameter. The same candidates, compared in constant time by the same rule."""
    if not is_token_shaped(token):
        return None
    alias = router.db_for_read(Assessment)
    connection = connections[alias]
    lookup = _token_lookup(connection, name)
    prefix = token[:TOKEN_SELECTOR_LENGTH]
    if lookup.like:
        prefix = connection.ops.prep_for_like_query(prefix)
    params = [param.replace(_PREFIX_MARK, prefix) for param in lookup.params]
    with connection.cursor() as cursor:
        cursor.execute(lookup.sql, params)
        rows = cursor.fetchall()
    for raw in rows:
        row = prepared.converted(raw, lookup.converters, connection)
        if tokens_match(row[lookup.token_index], token):
            found = lookup.model.from_db(alias, lookup.init_list, row[: lookup.model_end])
            for populator in lookup.related:
                populator.populate(row, found)
            return found
    return None


# Keyed by the connection itself (one per thread): the converters are its backend's methods.
@lru_cache(maxsize=64)
def _token_lookup(connection: BaseDatabaseWrapper, name: str) -> _TokenLookup:
    queryset = _TOKEN_QUERYSETS[name]().using(connection.alias)
    candidates = token_candidates(queryset, "token", _PREFIX_MARK)
    compiler = candidates.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if not params or not all(
        isinstance(param, str) and param.count(_PREFIX_MARK) == 1 for param in params
    ):
        raise ImproperlyConfigured(f"the token look-up's parameters are not the prefix: {params}")
    select, klass_info = compiler.select, compiler.klass_info
    if compiler.annotation_col_map or klass_info is None:
        raise ImproperlyConfigured("the token look-up selects more than its model")
    start, *_, last = klass_info["select_fields"]
    if start != 0:
        raise ImproperlyConfigured("the token look-up's model columns do not come first")
    init_list = tuple(column[0].target.attname for column in select[: last + 1])
    return _TokenLookup(
        sql=sql,
        params=tuple(params),
        like=connection.vendor != "sqlite",
        model=klass_info["model"],
        init_list=init_list,
        model_end=last + 1,
        token_index=init_list.index("token"),
        related=tuple(get_related_populators(klass_info, select, connection.alias)),
        converters=prepared.converters_of(compiler),
    )


def current_version() -> QuestionnaireVersion | None:
    """The version that new tests are taken on (`QuestionnaireVersion.objects.current()`), as
    the process's shared copy (`version`): the landing page reads only its id and revision
    instead of the whole row, glossary and every language's title."""
    alias = router.db_for_read(QuestionnaireVersion)
    connection = connections[alias]
    # The query is the same every time: built and compiled once per database, not per request
    # (building it was about a quarter of the landing page's time).
    sql, params = _current_version_sql(alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
        # By the columns' names: modeltranslation's values_list selects them in its own order.
        names = [column[0] for column in cursor.description]
    if found is None:
        return None
    row = dict(zip(names, found, strict=True))
    return version(row["pk"], row["created_at"], row["content_revision"])


@lru_cache(maxsize=8)
def _current_version_sql(alias: str, vendor: str) -> tuple[str, tuple[Any, ...]]:
    query = (
        QuestionnaireVersion.objects.using(alias)
        .newest_published_first()
        .values_list("pk", "created_at", "content_revision")[:1]
        .query
    )
    sql, params = query.get_compiler(alias).as_sql()
    return sql, tuple(params)


@lru_cache(maxsize=32)
def version(pk: int, created_at: object, content_revision: int) -> QuestionnaireVersion:
    """The version as it is at `content_revision`, read once per process and shared by every
    request: only ever read, never changed or saved (a change raises the revision, and the next
    request reads the version again). Keyed as `questionnaire_content` is, by the row as the
    database gives it (SQLite's creation time is text)."""
    return QuestionnaireVersion.objects.get(pk=pk)


@dataclass(frozen=True)
class QuestionnaireContent:
    """Everything a version says: its areas with their questions and options, its level names
    and each area's text per level."""

    areas: tuple[Area, ...]
    levels: tuple[MaturityLevel, ...]
    area_levels: tuple[AreaLevel, ...]


def questionnaire_content(version: QuestionnaireVersion) -> QuestionnaireContent:
    """The version's content, built once per version and process and kept while it is unchanged
    (`content_revision`, raised by every change): every page of a test reads it, and a published
    version with responses never changes at all."""
    return _questionnaire_content(version.pk, version.created_at, version.content_revision)


def areas_with_questions(version: QuestionnaireVersion) -> list[Area]:
    """The version's areas in order, each with its questions and their options prefetched."""
    return list(questionnaire_content(version).areas)


@lru_cache(maxsize=16)
def _questionnaire_content(
    version_id: int, created_at: datetime, content_revision: int
) -> QuestionnaireContent:
    # The model instances are shared by every request of the process and only ever read; the
    # translated fields pick their language when read, so one copy serves every language.
    questions = Question.objects.order_by("order").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("value"))
    )
    return QuestionnaireContent(
        areas=tuple(
            Area.objects.filter(version_id=version_id)
            .order_by("order")
            .prefetch_related(Prefetch("questions", queryset=questions))
        ),
        levels=tuple(MaturityLevel.objects.filter(version_id=version_id).order_by("level")),
        area_levels=tuple(AreaLevel.objects.filter(area__version_id=version_id)),
    )


def area_terms(
    version: QuestionnaireVersion, area: Area, language: str
) -> dict[str, list[glossary.Term]]:
    """Question code → the glossary terms explained there, on the area's page in `language`:
    each term where the page first uses it ("" is the area's intro). Worked out once per version
    (as `questionnaire_content` keys it), area and language; the result is shared, read only."""
    return _area_terms(version, version.created_at, version.content_revision, area, language)


@lru_cache(maxsize=256)
def _area_terms(
    version: QuestionnaireVersion,
    created_at: datetime,
    content_revision: int,
    area: Area,
    language: str,
) -> dict[str, list[glossary.Term]]:
    with translation.override(language):
        texts = [("", area.intro)] + [
            (question.code, " ".join([question.text, *(o.text for o in question.options.all())]))
            for question in area.questions.all()
        ]
    return glossary.first_uses(version.glossary, texts, language)


def background_step(area_count: int) -> int:
    """The test's steps are one per area (1…N), then the background page."""
    return area_count + 1


def answer_choices(assessment: Assessment) -> dict[int, str]:
    """Question id → the saved choice as a form value (an option id, DONT_KNOW or
    NOT_APPLICABLE)."""
    # `assessment.answers.values_list("question_id", "option_id", "not_applicable")`, its SQL
    # compiled once per connection (building it was a fifth of an area page's time).
    alias = router.db_for_read(Answer, instance=assessment)
    connection = connections[alias]
    choices = {}
    for question_id, option_id, not_applicable in _answer_choices_query(connection).rows(
        connection, [assessment.pk]
    ):
        choices[question_id] = (
            str(option_id) if option_id else (NOT_APPLICABLE if not_applicable else DONT_KNOW)
        )
    return choices


# Keyed by the connection itself (one per thread): the converters are its backend's methods.
@lru_cache(maxsize=64)
def _answer_choices_query(connection: BaseDatabaseWrapper) -> prepared.PreparedQuery:
    queryset = Answer.objects.using(connection.alias).filter(assessment_id=prepared.ID_MARK)
    return prepared.compile_query(
        queryset.values_list("question_id", "option_id", "not_applicable"),
        connection,
        (prepared.ID_MARK,),
    )


def first_unanswered_step(assessment: Assessment, areas: Sequence[Area]) -> int:
    """The first area step that still has an unanswered question, or the background step."""
    answered = set(assessment.answers.values_list("question_id", flat=True))
    for step, area in enumerate(areas, start=1):
        if any(question.pk not in answered for question in area.questions.all()):
            return step
    return background_step(len(areas))


def area_specs(areas: Iterable[Area]) -> tuple[scoring.AreaSpec, ...]:
    """The scoring module's plain view of the questionnaire content."""
    return tuple(
        scoring.AreaSpec(
            code=area.code,
            questions=tuple(
                scoring.QuestionSpec(code=q.code, weight=q.weight, tip=q.texts("tip"))
                for q in area.questions.all()
            ),
        )
        for area in areas
    )


def answer_values(assessment: Assessment) -> dict[str, int | None | Literal["not_applicable"]]:
    """Question code → chosen value (None for don't know, scoring.NOT_APPLICABLE), as the
    scoring module reads it."""
    return {
        code: scoring.NOT_APPLICABLE if not_applicable else value
        for code, value, not_applicable in assessment.answers.values_list(
            "question__code", "option__value", "not_applicable"
        )
    }


def scored_answers(assessment: Assessment) -> scoring.AssessmentResult:
    """The assessment's saved answers scored now (the stored result is what pages show)."""
    return scoring.score_assessment(
        area_specs(areas_with_questions(assessment.version)), answer_values(assessment)
    )


# Below this many completed (non-demo) tests on a version, the median would say more about a few
# people than about the test, so the landing page shows the estimate from the word count.
MIN_COMPLETIONS_FOR_MEASURED_TIME = 20
# The median of the most recent completions: recent enough to follow a changed questionnaire.
COMPLETION_TIME_SAMPLE = 500
# The figure moves slowly; an hour old is fresh enough, and the landing page pays no query.
COMPLETION_TIME_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class CompletionTime:
    """How long a test on a version typically takes, and where the figure comes from."""

    minutes: int
    measured: bool  # the median of completed tests; otherwise estimated from the word count
    completions: int  # completed, non-demo tests it was measured from (up to the sample)


def completion_time(version: QuestionnaireVersion) -> CompletionTime:
    """The typical time from start to completion of a test on `version`: the median of its
    recent completed, non-demo tests, or the reading-time estimate while there are too few
    (docs/content.md, "Honest length"). Cached per version and content revision."""
    key = f"completion-time:{version.pk}:{version.content_revision}"
    found = cache.get(key)
    if isinstance(found, CompletionTime):
        return found
    rows = list(
        Assessment.objects.completed()
        .real()
        .filter(version=version)
        .order_by("-completed_at")
        .values_list("created_at", "completed_at")[:COMPLETION_TIME_SAMPLE]
    )
    durations = [
        (done - started).total_seconds()
        for started, done in rows
        if done is not None and done >= started
    ]
    if len(durations) >= MIN_COMPLETIONS_FOR_MEASURED_TIME:
        result = CompletionTime(reading.median_minutes(durations), True, len(durations))
    else:
        result = CompletionTime(
            reading.estimated_minutes(_questionnaire_words(version)), False, len(durations)
        )
    cache.set(key, result, COMPLETION_TIME_CACHE_SECONDS)
    return result


def _questionnaire_words(version: QuestionnaireVersion) -> int:
    """The words of the questions and options in the default language (Finnish, the longer)."""
    language = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return sum(
        reading.count_words(question.texts("text")[language])
        + sum(
            reading.count_words(option.texts("text")[language]) for option in question.options.all()
        )
        for area in areas_with_questions(version)
        for question in area.questions.all()
    )
