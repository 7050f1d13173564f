"""How full each page of a laid-out report is, read from WeasyPrint's boxes.

A chapter starts on a new page, which keeps the report's chapter feel, unless the page before
it would then be left more than half empty: render.py lays the report out, asks `underfilled`
which chapters left such a page behind them, and lays it out again with those chapters flowing
on from the page before (their opening block kept together, so a heading never ends a page).
The tests check every page of the demo reports with `page_fills`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint import Document

# A page may be left emptier than this only as the report's last page.
MIN_FILL = 0.5
# A chapter that flows on from the page before is still set apart as a new part of the report.
FLOWING_CHAPTER_STYLE = (
    "break-before: auto; margin-top: 9mm; padding-top: 5mm; border-top: 0.6mm solid #1d3b6a;"
)


@dataclass(frozen=True)
class PageFill:
    number: int  # from 1
    fill: float  # the share of the page's content area that its content reaches down to
    # The chapter (a body-level <section class="chapter">) that starts at the top of the page, by
    # its place among the body's sections (CSS's nth-of-type, from 1); None if none starts there.
    chapter: int | None


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _child(box: Any, tag: str) -> Any:
    return next((child for child in getattr(box, "children", ()) if child.element_tag == tag), None)


def _content_bottom(body: Any, top: float) -> float:
    bottom = top
    for box in _boxes(body):
        if box is body or getattr(box, "position_y", None) is None:
            continue
        bottom = max(bottom, box.position_y + box.margin_height())
    return bottom


def page_fills(document: Document) -> list[PageFill]:
    """Every page's fill, and the chapter that starts at its top."""
    fills = []
    seen: set[int] = set()  # the body-level elements met on earlier pages
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box  # WeasyPrint's laid-out page
        top = page_box.content_box_y()
        body = _child(_child(page_box, "html"), "body")
        children = list(getattr(body, "children", ()))
        chapter = None
        if children:
            first = children[0].element
            classes = (first.get("class") or "").split() if first is not None else []
            if first is not None and id(first) not in seen and "chapter" in classes:
                sections = [element for element in body.element if element.tag == "section"]
                chapter = next(
                    (index for index, element in enumerate(sections, 1) if element is first), None
                )
        seen.update(id(child.element) for child in children if child.element is not None)
        bottom = _content_bottom(body, top) if body is not None else top
        fill = (bottom - top) / page_box.height
        fills.append(PageFill(number=number, fill=min(max(fill, 0.0), 1.0), chapter=chapter))
    return fills


def underfilled(fills: list[PageFill]) -> list[PageFill]:
    """The pages, the last one apart, whose content ends above MIN_FILL of the page."""
    return [page for page in fills[:-1] if page.fill < MIN_FILL]


def chapters_to_flow(fills: list[PageFill]) -> set[int]:
    """The chapters that start on the page after an underfilled page: letting them flow on
    from that page fills it."""
    starting = {page.number: page.chapter for page in fills}
    return {
        chapter
        for page in underfilled(fills)
        if (chapter := starting.get(page.number + 1)) is not None
    }


# What a flowing chapter's rule and spacing above it take, as a share of the page's content area.
FLOW_GAP = 0.06


def plan_flow(fills: list[PageFill]) -> set[int]:
    """The chapters to let flow, planned at once from a layout in which every chapter started a
    new page: walking the chapters in order, one flows when the page before it would be more
    than half empty, and then ends where its content (its pages' fills added up) takes it."""
    segments: list[tuple[int | None, list[float]]] = []
    for page in fills:
        if page.chapter is not None or not segments:
            segments.append((page.chapter, []))
        segments[-1][1].append(page.fill)
    if not segments:
        return set()
    flowing: set[int] = set()
    level = segments[0][1][-1]  # how far down its page the content before the chapters ends
    for chapter, pages in segments[1:]:
        if chapter is not None and level < MIN_FILL:
            flowing.add(chapter)
            end = level + FLOW_GAP + sum(pages)
            level = end - int(end) or 1.0
        else:
            level = pages[-1]
    return flowing


def flow_stylesheet(chapters: set[int]) -> str:
    """CSS that lets these chapters continue the page before them, still marked as a new part."""
    selectors = ", ".join(f"body > section:nth-of-type({n})" for n in sorted(chapters))
    return f"{selectors} {{ {FLOWING_CHAPTER_STYLE} }}" if chapters else ""
