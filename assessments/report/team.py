"""The team's PDF report (issue 17): the owner page's figures, printed with the respondent's
report stylesheet and fonts (pdf.py), and laid out by the same page-flow rules (layout.py).

The figures come from teams.selectors.team_figures, which gives only counts below the team's
threshold; the template prints no aggregate unless `figures.shown`, so even a render called
directly for a small team carries nothing but how many more answers are needed.

The customers' view (the mirror, issue 17 part 2) joins the report through
templates/teams/_mirror_pdf.html, included when the context has `mirror`: `team_report_context`
is the one place that context is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from .. import scoring, selectors
from ..consultancy import consultancy
from ..teams import aggregates, mirror
from ..teams import selectors as teams
from ..teams.models import Team
from . import document, pdf

TEMPLATE = "report/team.html"
FILENAME_PREFIX = "cx-team"


@dataclass(frozen=True)
class RangeBand:
    """One maturity level's stretch of the 0–100 scale, in chart units."""

    level: int
    name: str
    lower: float
    upper: float
    x: float
    width: float


@dataclass(frozen=True)
class RangeRow:
    """An area's (or the whole team's) scores on the scale: the lowest–highest bar and the mean."""

    row: teams.AreaRow | None  # None for the overall row
    low_x: float
    width: float
    mean_x: float


def _x(score: float) -> float:
    return round(score * document.CHART_WIDTH / scoring.MAX_SCORE, 2)


def _range_row(row: teams.AreaRow | None, spread: Any) -> RangeRow:
    # A bar at least 4 units wide, so that a team that agrees exactly still shows a mark.
    low, high = _x(spread.minimum), _x(spread.maximum)
    width = max(high - low, 4.0)
    low = min(low, document.CHART_WIDTH - width)
    return RangeRow(
        row=row,
        low_x=low,
        width=width,
        mean_x=min(max(_x(spread.mean) - 1.5, 0.0), document.CHART_WIDTH - 3.0),
    )


def range_chart(figures: teams.TeamFigures, level_names: dict[int, str]) -> dict[str, Any]:
    """The geometry of the areas' range chart: the level bands and each area's bar."""
    edges = [edge for edge, _level in scoring.LEVEL_BANDS] + [scoring.MAX_SCORE]
    bands = [
        RangeBand(
            level=level,
            name=level_names.get(level, ""),
            lower=edges[index],
            upper=edges[index + 1],
            x=_x(edges[index]),
            width=_x(edges[index + 1] - edges[index]),
        )
        for index, (_edge, level) in enumerate(scoring.LEVEL_BANDS)
    ]
    rows = [_range_row(row, row.spread) for row in figures.areas if row.spread is not None]
    overall = _range_row(None, figures.overall) if figures.overall is not None else None
    return {
        "range_bands": bands,
        "range_rows": rows,
        "range_overall": overall,
        "chart_width": document.CHART_WIDTH,
    }


@dataclass(frozen=True)
class RecommendBar:
    """One score of the 0–10 "would you recommend" question: how many chose it, as a bar."""

    score: int
    count: int
    height: float  # in the chart's units, the tallest bar RECOMMEND_CHART_HEIGHT
    y: float  # the bar's top: SVG's y runs down
    group: str  # "detractor", "passive" or "promoter"

    @property
    def fill(self) -> str:
        # As a presentation attribute: WeasyPrint does not style an inline SVG's shapes from the
        # report's stylesheet. The colours of .mirror-key in static/report/report.css.
        return RECOMMEND_FILLS[self.group]


RECOMMEND_FILLS = {"detractor": "#a35200", "passive": "#9aa5b1", "promoter": "#0b6e6e"}
# The chart's height in its own units (templates/teams/_mirror_pdf.html draws it).
RECOMMEND_CHART_HEIGHT = 40.0


def _recommend_scale(recommend: mirror.Recommend | None) -> list[RecommendBar]:
    if recommend is None:
        return []
    tallest = max(recommend.counts) or 1
    bars = []
    for score, count in enumerate(recommend.counts, start=mirror.RECOMMEND_MIN):
        if score <= mirror.DETRACTOR_MAX:
            group = "detractor"
        elif score >= mirror.PROMOTER_MIN:
            group = "promoter"
        else:
            group = "passive"
        height = round(count * RECOMMEND_CHART_HEIGHT / tallest, 2)
        bars.append(
            RecommendBar(
                score=score,
                count=count,
                height=height,
                y=round(RECOMMEND_CHART_HEIGHT - height, 2),
                group=group,
            )
        )
    return bars


def team_report_context(team: Team, figures: teams.TeamFigures) -> dict[str, Any]:
    """Everything the team report's template reads, the customers' view (`mirror`,
    templates/teams/_mirror_pdf.html) included when the team's version has a customer mirror.

    The mirror's figures come from teams.selectors.mirror_comparison, the owner page's reader:
    below the customers' floor it holds only the count, and the team's side only when the team
    has reached its own threshold, so the PDF cannot print more than the owner page shows."""
    context: dict[str, Any] = {
        "team": team,
        "figures": figures,
        "missing": max(figures.threshold - figures.completed, 0),
        "printed_on": timezone.localdate(),
        "language": translation.get_language(),
        "organisation_max_chars": document.ORGANISATION_MAX_CHARS,
        "header_organisation_max_chars": document.HEADER_ORGANISATION_MAX_CHARS,
        "min_role_group": aggregates.MIN_ROLE_GROUP,
        # The method page's account of the workshop agenda, from the rules that build it.
        "agenda_min": aggregates.AGENDA_MIN,
        "agenda_max": aggregates.AGENDA_MAX,
        "agenda_wide_range": aggregates.AGENDA_WIDE_RANGE,
        "max_score": int(scoring.MAX_SCORE),
        # The closing contact box, as in the respondent's report (report/_next_step.html).
        "consultancy": consultancy(),
    }
    if figures.shown:
        content = selectors.questionnaire_content(team.version)
        context.update(range_chart(figures, {lv.level: lv.name for lv in content.levels}))
    customers_view = teams.mirror_comparison(team, figures=figures)
    if customers_view.available:
        context["mirror"] = customers_view
        context["recommend_scale"] = _recommend_scale(customers_view.recommend)
    return context


def render_team_pdf(team: Team, language: str) -> bytes:
    """The team's report in `language`, rendered now (a team's figures change with every
    completed test, and the owner asks for it rarely: nothing is cached)."""
    with translation.override(language):
        figures = teams.team_figures(team)
        html = render_to_string(TEMPLATE, team_report_context(team, figures))
    return pdf.render_html(html)


def team_report_filename(team: Team, today: date | None = None) -> str:
    """`cx-team-<organisation slug>-<date>.pdf`: ASCII only, safe in a Content-Disposition
    header, and never a piece of a token (a file name travels with the file)."""
    slug = slugify(team.organisation)[: pdf.FILENAME_SLUG_MAX_CHARS].strip("-")
    day = (today or timezone.localdate()).isoformat()
    return "-".join(part for part in (FILENAME_PREFIX, slug, day) if part) + ".pdf"
