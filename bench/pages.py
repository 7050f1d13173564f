"""What a first-time visitor downloads before the first question, and whether it needs JavaScript.

A new visitor (no cookies, no cache) opens the landing page, presses Start (a form post, answered
with a redirect) and gets the first area page; the browser fetches every asset the two pages
reference (stylesheets, scripts, icons, images, and what the stylesheets reference in turn), each
once. Every response is asked for with `Accept-Encoding: br, gzip`, and counted as it arrives:
the body's length on the wire, compressed where the server compressed it.

JavaScript: the first area page's form must work without it. It is checked on the page (a form
with method=post, its questions as native radio buttons and a submit button inside) and then by
sending it as a browser without JavaScript would (urlencoded, the Next button): the server must
store the answers and move on to the next area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import brotli

from .driver import MeasureError, Visitor, area_options, csrf_token, location_path

ACCEPT = {
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Encoding": "br, gzip",
}
ASSET_RELS = {"stylesheet", "icon", "preload", "modulepreload", "apple-touch-icon", "manifest"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


@dataclass
class Form:
    attrs: dict[str, str]
    submits: int = 0
    radios: int = 0


class PageParser(HTMLParser):
    """The assets a page references and its forms, with what each form holds."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.forms: list[Form] = []
        self.scripts = 0
        self._open: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "link" and ASSET_RELS & set(a.get("rel", "").lower().split()) and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script":
            self.scripts += 1
            if a.get("src"):
                self.assets.append(a["src"])
        elif tag in ("img", "source") and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "form":
            self._open = Form(a)
            self.forms.append(self._open)
        elif self._open is not None:
            kind = a.get("type", "").lower()
            submit = tag == "button" and kind in ("", "submit")
            if submit or (tag == "input" and kind == "submit"):
                self._open.submits += 1
            elif tag == "input" and kind == "radio":
                self._open.radios += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


@dataclass
class Download:
    what: str
    wire_bytes: int
    encoding: str
    raw_bytes: int  # uncompressed
    brotli_bytes: int  # what it would be compressed with brotli (for an uncompressed response)


@dataclass
class FirstQuestion:
    downloads: list[Download] = field(default_factory=list)
    form_checks: dict[str, bool] = field(default_factory=dict)
    area_path: str = ""
    next_path: str = ""

    @property
    def total(self) -> int:
        return sum(d.wire_bytes for d in self.downloads)

    @property
    def needs_javascript(self) -> bool:
        return not all(self.form_checks.values())


def _decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        import gzip

        return gzip.decompress(body)
    return body


def _count(result: FirstQuestion, what: str, response) -> bytes:
    encoding = response.header("Content-Encoding")
    raw = _decoded(response.body, encoding)
    squeezed = len(response.body) if encoding else len(brotli.compress(raw)) if raw else 0
    result.downloads.append(Download(what, len(response.body), encoding, len(raw), squeezed))
    return raw


def first_question(port: int) -> FirstQuestion:
    result = FirstQuestion()
    visitor = Visitor(port)
    try:
        landing = visitor.get("/", headers=ACCEPT, expect=200)
        landing_html = _count(result, "landing page /", landing).decode()
        token = csrf_token(landing_html)
        started = visitor.post_form(
            "/start/", [("csrfmiddlewaretoken", token)], headers=ACCEPT, expect=302
        )
        _count(result, "Start (POST /start/, a redirect)", started)
        result.area_path = location_path(started)
        area = visitor.get(result.area_path, headers=ACCEPT, expect=200)
        area_html = _count(result, "first area page", area).decode()

        pending: list[tuple[str, str]] = []
        for page_path, html in (("/", landing_html), (result.area_path, area_html)):
            parser = PageParser()
            parser.feed(html)
            pending += [(page_path, href) for href in parser.assets]
            if page_path == result.area_path:
                _check_form(result, parser)
        seen: set[str] = set()
        while pending:
            base, href = pending.pop(0)
            if href.startswith(("data:", "#")):
                continue
            url = urlsplit(urljoin(base, href))
            if url.netloc and url.netloc != f"127.0.0.1:{port}":
                raise MeasureError(f"a page references an asset on another host: {href}")
            path = url.path + (f"?{url.query}" if url.query else "")
            if path in seen:
                continue
            seen.add(path)
            asset = visitor.get(path, headers=ACCEPT, expect=200)
            raw = _count(result, path, asset)
            if asset.header("Content-Type").startswith("text/css"):
                for match in CSS_URL.finditer(raw.decode("utf-8", errors="replace")):
                    pending.append((path, match.group(1) or match.group(2)))

        # Without JavaScript: the Next button posts the form as it is, urlencoded.
        options = area_options(area_html)
        fields = [("csrfmiddlewaretoken", csrf_token(area_html))]
        fields += [(question, values[0]) for question, values in options.items()]
        fields.append(("next", ""))
        sent = visitor.post_form(result.area_path, fields)
        result.next_path = location_path(sent) if sent.status == 302 else ""
        result.form_checks["Next without JavaScript stores the answers and moves on"] = (
            sent.status == 302 and result.next_path != result.area_path
        )
    finally:
        visitor.close()
    return result


def _check_form(result: FirstQuestion, parser: PageParser) -> None:
    forms = [form for form in parser.forms if form.radios]
    form = forms[0] if forms else Form({})
    result.form_checks["the questions are in a form with method=post"] = (
        form.attrs.get("method", "").lower() == "post"
    )
    result.form_checks["its options are native radio buttons"] = form.radios > 0
    result.form_checks["it has a submit button"] = form.submits > 0
