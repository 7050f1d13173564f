"""The stored result joined with the content texts it was scored on, in the active language.

The results page, the PDF report and the admin all render this one view of the stored result;
none of them scores again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.db import connections, router
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .. import prepared, scoring
from ..glossary import Term, terms
from ..models import AreaComment, Assessment, Question
from ..selectors import questionnaire_content

# Each level's band of scores, from the scoring module's one definition of the band edges.
_EDGES = [lower for lower, _ in scoring.LEVEL_BANDS] + [scoring.MAX_SCORE]
BANDS: dict[int, tuple[float, float]] = {
    level: (_EDGES[index], _EDGES[index + 1])
    for index, (_, level) in enumerate(scoring.LEVEL_BANDS)
}


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    description: str
    lower: float  # band edges, for charts
    upper: float

    @property
    def width(self) -> float:
        return self.upper - self.lower


@dataclass(frozen=True)
class FindingView:
    question_code: str
    question: str
    area: str
    value: int
    answer: str
    tip: str

    @property
    def priority_html(self) -> SafeString:
        """The finding as one of the results page's priorities."""
        return _fragment("assessments/_finding_priority.html", "item", self, get_language())

    @property
    def strength_html(self) -> SafeString:
        """The finding as one of the results page's strengths."""
        return _fragment("assessments/_finding_strength.html", "item", self, get_language())


@dataclass(frozen=True)
class AreaView:
    code: str
    number: int
    name: str
    score: float | None
    coverage_percent: int
    level: Level | None
    description: str
    next_level: Level | None
    next_level_description: str
    recommendations: list[str]
    answered: int
    dont_know: int
    questions: int
    strengths: list[FindingView]
    priorities: list[FindingView]
    # The consultant's own words on this area (admin), empty when none, signed with the name of
    # the consultant who wrote them and the day they were last changed.
    comment: str = ""
    # Answered "not applicable" (questionnaire 2026.2 on); more than half withholds the level.
    not_applicable: int = 0
    mostly_not_applicable: bool = False
    comment_signer: str = ""
    comment_signed_on: date | None = None

    @property
    def level_html(self) -> SafeString:
        """The level's texts on the results page: its description, the next level and the
        recommendations (for an area with a level)."""
        texts = _LevelTexts(
            self.description,
            self.next_level,
            self.next_level_description,
            tuple(self.recommendations),
        )
        return _fragment("assessments/_area_level.html", "area", texts, get_language())


@dataclass(frozen=True)
class _LevelTexts:
    """What assessments/_area_level.html reads of an area: the version's texts only."""

    description: str
    next_level: Level | None
    next_level_description: str
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    organisation: str
    completed_at: datetime | None
    version_label: str
    overall_score: float | None
    overall_level: Level | None
    levels: list[Level]
    areas: list[AreaView]
    strengths: list[FindingView]
    priorities: list[FindingView]
    # The version's glossary in the active language, sorted by term; empty before 2026.2.
    glossary: list[Term] = field(default_factory=list)
    # Whether the version offers "Not applicable to us" (2026.2 on), and whether all its questions
    # weigh the same (docs/scoring.md): the method chapter describes the version it scored.
    offers_not_applicable: bool = False
    equal_weights: bool = False

    @property
    def not_applicable(self) -> int:
        return sum(area.not_applicable for area in self.areas)

    @property
    def chart_bands(self) -> SafeString:
        """The level bands behind each bar of the results page's chart (the same for every area)."""
        return _chart_bands(
            tuple((level.number, level.lower, level.upper) for level in self.levels)
        )

    @property
    def max_not_applicable_percent(self) -> int:
        """Above this share of "not applicable" answers an area gets no level, for "50 %"."""
        return round(scoring.MAX_NOT_APPLICABLE_SHARE_FOR_LEVEL * 100)

    @property
    def is_capped(self) -> bool:
        """Whether the weakest area held the overall level below the overall score's band."""
        return (
            self.overall_level is not None
            and self.overall_score is not None
            and scoring.level_for_score(self.overall_score) > self.overall_level.number
        )

    @property
    def max_level(self) -> int:
        """The top of the level scale, for "level 3/5"."""
        return max(scoring.LEVELS)

    @property
    def max_score(self) -> int:
        """The top of the score scale, for "56.8 / 100"."""
        return int(scoring.MAX_SCORE)

    @property
    def answered(self) -> int:
        return sum(area.answered for area in self.areas)

    @property
    def dont_know(self) -> int:
        return sum(area.dont_know for area in self.areas)

    @property
    def questions(self) -> int:
        return sum(area.questions for area in self.areas)


@lru_cache(maxsize=16)
def _chart_bands(levels: tuple[tuple[int, float, float], ...]) -> SafeString:
    # Rendered once per set of bands, not twice per area and page: the bands hold no text and
    # nothing of a respondent, only the levels' numbers and edges, which are the whole key.
    html = render_to_string(
        "assessments/_chart_bands.html",
        {"levels": [Level(number, "", "", lower, upper) for number, lower, upper in levels]},
    )
    # The template's own output less the file's closing newline: still safe HTML.
    return mark_safe(html.removesuffix("\n"))  # noqa: S308  # nosec B308 B703


@lru_cache(maxsize=2048)
def _fragment(template: str, name: str, values: object, language: str | None) -> SafeString:
    """The template rendered with `values` (a frozen dataclass) as `name`, kept per values and
    language. The values are the whole of what the part reads, and only the questionnaire's texts
    and a level's number: equal values make the same HTML, whoever's page it is. Rendered in the
    active language, which is the key's."""
    html = render_to_string(template, {name: values})
    # The template's own output less the file's closing newline: still safe HTML.
    return mark_safe(html.removesuffix("\n"))  # noqa: S308  # nosec B308 B703


def _comments(assessment: Assessment) -> dict[int, AreaComment]:
    """Area id → the consultant's comment on that area (AreaComment.objects.by_area), by a query
    built and compiled once per database: building it was a tenth of the results page."""
    alias = router.db_for_read(AreaComment)
    sql = _comments_sql(alias, connections[alias].vendor)
    found = AreaComment.objects.db_manager(alias).raw(sql, [assessment.pk])
    return {comment.area_id: comment for comment in found}


@lru_cache(maxsize=8)
def _comments_sql(alias: str, vendor: str) -> str:
    # Unordered: a dict by area, and the model's ordering would join two tables for nothing.
    queryset = AreaComment.objects.using(alias).filter(assessment_id=prepared.ID_MARK).order_by()
    return prepared.compile_query(queryset, connections[alias], (prepared.ID_MARK,)).sql


def _translated_tip(tip: dict[str, str]) -> str:
    return tip.get(get_language() or "fi") or tip.get("fi", "")


def build_report(assessment: Assessment) -> Report:
    result = assessment.stored_result
    if result is None:
        raise ValueError("the assessment has no stored result yet")
    version = assessment.version
    content = questionnaire_content(version)
    levels = {
        level.level: Level(
            number=level.level,
            name=level.name,
            description=level.description,
            lower=BANDS[level.level][0],
            upper=BANDS[level.level][1],
        )
        for level in content.levels
    }
    areas = content.areas
    questions: dict[str, Question] = {q.code: q for area in areas for q in area.questions.all()}
    area_names = {area.code: area.name for area in areas}

    def finding(item: scoring.Finding) -> FindingView:
        question = questions[item.question]
        # The chosen option is the one with the stored value: read from the cached content, not
        # from the answers (a finding always has a value; an option's value is unique per question).
        option = next((o for o in question.options.all() if o.value == item.value), None)
        return FindingView(
            question_code=item.question,
            question=question.text,
            area=area_names[item.area],
            value=item.value,
            answer=option.text if option else "",
            tip=_translated_tip(dict(item.tip)),
        )

    strengths = [finding(f) for f in result.strengths]
    priorities = [finding(f) for f in result.priorities]
    comments = _comments(assessment)
    level_texts = {(text.area_id, text.level): text for text in content.area_levels}

    area_views = []
    for number, area in enumerate(areas, start=1):
        area_result = result.area(area.code)
        level = levels.get(area_result.level) if area_result.level else None
        next_number = (
            area_result.level + 1
            if area_result.level and area_result.level < max(scoring.LEVELS)
            else None
        )
        text = (
            level_texts.get((area.pk, area_result.level)) if area_result.level is not None else None
        )
        next_text = level_texts.get((area.pk, next_number)) if next_number else None
        area_views.append(
            AreaView(
                code=area.code,
                number=number,
                name=area.name,
                score=area_result.score,
                coverage_percent=round(area_result.coverage * 100),
                level=level,
                description=text.description if text else "",
                next_level=levels.get(next_number) if next_number else None,
                next_level_description=next_text.description if next_text else "",
                recommendations=text.recommendation_list if text else [],
                answered=area_result.answered,
                dont_know=area_result.dont_know,
                questions=area_result.questions,
                strengths=[
                    f
                    for f, s in zip(strengths, result.strengths, strict=True)
                    if s.area == area.code
                ],
                priorities=[
                    f
                    for f, p in zip(priorities, result.priorities, strict=True)
                    if p.area == area.code
                ],
                not_applicable=area_result.not_applicable,
                mostly_not_applicable=area_result.mostly_not_applicable,
                comment=comments[area.pk].text if area.pk in comments else "",
                comment_signer=comments[area.pk].signer_name if area.pk in comments else "",
                comment_signed_on=(
                    timezone.localdate(comments[area.pk].updated_at)
                    if area.pk in comments
                    else None
                ),
            )
        )

    return Report(
        organisation=assessment.organisation,
        completed_at=assessment.completed_at,
        version_label=version.label,
        overall_score=result.overall_score,
        overall_level=levels.get(result.overall_level) if result.overall_level else None,
        levels=[levels[n] for n in sorted(levels)],
        areas=area_views,
        strengths=strengths,
        priorities=priorities,
        glossary=terms(version.glossary, get_language() or "fi"),
        offers_not_applicable=version.offers_not_applicable,
        equal_weights=len({question.weight for question in questions.values()}) == 1,
    )
