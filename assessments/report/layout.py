"""How full each page of a laid-out report is, read from WeasyPrint's boxes.

A chapter starts on a new page, which keeps the report's chapter feel, unless the page before
it would then be left more than half empty: pdf.lay_out lays the report out with every chapter on
a new page, plans from that layout's boxes which chapters flow (`plan_flow`, `chapters`), and
lays it out again with those chapters flowing on from the page before (their opening block kept
together, so a heading never ends a page); `chapters_to_flow` corrects a plan that missed.
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


# What a flowing chapter's rule and spacing above it take, as a share of the page's content area
# (14.6mm of 251mm, less the bottom margin of what ends the page before, which collapses with it
# and which the page's fill already counts).
FLOW_GAP = 0.045
# What a page break leaves unused at the bottom of a page, on average, where a chapter's blocks
# were not measured (`plan_flow` without a `Chapter`).
DEFAULT_BREAK_LOSS = 0.08


@dataclass(frozen=True)
class Chapter:
    """A chapter's content as a page break sees it, measured in a layout where the chapter
    started a page: its unbreakable pieces (lines, and blocks that avoid a break inside), top and
    bottom from the chapter's top as shares of a page, and whether a page may break after each."""

    pieces: tuple[tuple[float, float, bool], ...]
    # The bottom margin of its last piece, which PageFill.fill counts and a piece's bottom not.
    end_margin: float = 0.0

    def end_when_flowing(self, level: float) -> float:
        """Where on its last page the chapter ends when it flows on from a page filled to `level`:
        it breaks only where a break is allowed, and a piece that does not fit moves on with what
        must stay with it, leaving its space unused."""
        page_top = -(level + FLOW_GAP)  # the chapter's offset at the current page's top
        next_top = None  # where the next page would start: after the last allowed break
        breakable = False
        for top, bottom, breakable_after in self.pieces:
            if breakable:
                next_top = top
            if bottom - page_top > 1.0 and top > page_top:
                page_top = next_top if next_top is not None and next_top > page_top else top
                next_top = None
            breakable = breakable_after
        end = self.pieces[-1][1] if self.pieces else 0.0
        return end - page_top + self.end_margin


def _pieces(box: Any, page_top: float, height: float, out: list[list[Any]]) -> None:
    """Append the box's unbreakable pieces as [top, bottom, breakable_after, bottom margin], in
    page heights from the page's top."""
    style = box.style
    children = [
        child
        for child in getattr(box, "children", ())
        if getattr(child, "position_y", None) is not None
    ]
    lines = [child for child in children if type(child).__name__ == "LineBox"]
    if (
        not children
        or style["break_inside"] in ("avoid", "avoid-page")
        or type(box).__name__ == "LineBox"
        or getattr(box, "is_table_wrapper", False)
    ):
        # Its bottom without its bottom margin, which a page break truncates.
        top = (box.position_y - page_top) / height
        bottom = top + (box.margin_height() - box.margin_bottom) / height
        out.append([top, bottom, True, box.margin_bottom / height])
    elif lines and len(lines) == len(children):
        # A paragraph's lines: no break inside it leaves fewer than `orphans` or `widows` lines
        # (after its last line, the break is between it and what follows).
        orphans, widows = style["orphans"], style["widows"]
        for index, line in enumerate(lines, start=1):
            top = (line.position_y - page_top) / height
            allowed = index == len(lines) or orphans <= index <= len(lines) - widows
            out.append([top, top + line.height / height, allowed, 0.0])
    else:
        for child in children:
            if out and child.style["break_before"] == "avoid":
                out[-1][2] = False
            _pieces(child, page_top, height, out)
    if out and style["break_after"] == "avoid":
        out[-1][2] = False


def chapters(document: Document) -> dict[int, Chapter]:
    """The chapters that start a page in this layout, by their place among the body's sections
    (as in PageFill.chapter), with their pieces over every page they run on."""
    found: dict[int, list[list[Any]]] = {}
    current: list[list[Any]] | None = None
    offset = 0.0  # the current chapter's offset at the top of this page
    for page, fill in zip(document.pages, page_fills(document), strict=True):
        page_box = page._page_box
        top, height = page_box.content_box_y(), page_box.height
        body = _child(_child(page_box, "html"), "body")
        children = list(getattr(body, "children", ())) if body is not None else []
        if fill.chapter is not None:
            current = found[fill.chapter] = []
            offset = 0.0
            sections = children[:1]
        elif current is not None:
            sections = children[:1]  # the running chapter's rest
        else:
            continue
        pieces: list[list[Any]] = []
        for section in sections:
            _pieces(section, top, height, pieces)
        for piece in pieces:
            current.append([piece[0] + offset, piece[1] + offset, piece[2], piece[3]])
        offset += fill.fill
    return {
        number: Chapter(
            tuple((top, bottom, breakable) for top, bottom, breakable, _ in pieces),
            pieces[-1][3] if pieces else 0.0,
        )
        for number, pieces in found.items()
    }


def _flowed_end(level: float, content: float) -> float:
    """Where a chapter with `content` pages' worth of content ends on its last page when it flows
    on from a page filled to `level`, each page it runs over losing DEFAULT_BREAK_LOSS."""
    room = 1.0 - DEFAULT_BREAK_LOSS
    start = level + FLOW_GAP
    if start + content <= 1.0:
        return start + content
    left = content - max(room - start, 0.0)
    while left > room:
        left -= room
    return left


def plan_flow(fills: list[PageFill], measured: dict[int, Chapter] | None = None) -> set[int]:
    """The chapters to let flow, planned at once from a layout in which every chapter started a
    new page: walking the chapters in order, one flows when the page before it would be more
    than half empty, and then ends where its pieces, broken where a page may break, take it
    (`measured`, from `chapters`); unmeasured, where its pages' fills added up take it, less what
    each page break loses."""
    segments: list[tuple[int | None, list[float]]] = []
    for page in fills:
        if page.chapter is not None or not segments:
            segments.append((page.chapter, []))
        segments[-1][1].append(page.fill)
    if not segments:
        return set()
    measured = measured or {}
    flowing: set[int] = set()
    level = segments[0][1][-1]  # how far down its page the content before the chapters ends
    for chapter, pages in segments[1:]:
        if chapter is not None and level < MIN_FILL:
            flowing.add(chapter)
            if chapter in measured and measured[chapter].pieces:
                level = measured[chapter].end_when_flowing(level)
            else:
                level = _flowed_end(level, sum(pages))
        else:
            level = pages[-1]
    return flowing


def flow_stylesheet(chapters: set[int]) -> str:
    """CSS that lets these chapters continue the page before them, still marked as a new part."""
    selectors = ", ".join(f"body > section:nth-of-type({n})" for n in sorted(chapters))
    return f"{selectors} {{ {FLOWING_CHAPTER_STYLE} }}" if chapters else ""
