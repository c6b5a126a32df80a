"""Turn a report's HTML into its PDF and Word forms.

The HTML is the one source of a document (Django templates produce it); this module renders it:

* :func:`html_to_pdf`: WeasyPrint, tagged for accessibility as PDF/UA-1 (WeasyPrint supports
  ``pdf_variant="pdf/ua-1"``, which writes a structure tree, and the document's ``<title>`` and
  ``<html lang>`` as the PDF title and language). Headings ``h1``-``h6`` become the PDF outline
  (bookmarks). Page numbers and the contents' ``target-counter()`` come from the stylesheet.
* :func:`html_to_docx`: python-docx, from the same HTML: ``h1``-``h4`` become the built-in
  "Heading 1"-"Heading 4" styles (so Word's navigation pane and contents work), ``<table>``
  becomes a Word table whose ``<thead>`` rows (or leading ``<th>`` rows) are marked as header
  rows that repeat on each page, ``<img data-chart="KEY">`` is replaced by the chart's PNG with
  its ``alt`` text as the picture description, and lists become list paragraphs.

Nothing in this module knows about KPIs: the risk register documents use it as well.

Conventions the converter understands in the HTML:

* ``class="docx-skip"`` on any element leaves it (and its children) out of the Word file
  (e.g. the PDF-only contents page with page numbers);
* ``class="page-break"`` (or ``new-page``) on an element starts a new page before it in Word;
* ``data-fill="RRGGBB"`` on ``td``/``th`` shades the Word cell (RAG tiles);
* ``class="visually-hidden"`` text is kept (it is the text alternative of a symbol).
"""

from __future__ import annotations

import base64
import io
import re
import time
from html.parser import HTMLParser
from typing import Callable

from beacon.core.memory import fewer_collections

__all__ = ["html_to_pdf", "html_to_docx", "PDF_VARIANT", "parse_html"]

PDF_VARIANT = "pdf/ua-1"


# --- PDF -------------------------------------------------------------------------------------
RESOURCE_SCHEME = "beacon-resource:"


def html_to_pdf(
    html: str,
    base_url: str | None = None,
    variant: str | None = PDF_VARIANT,
    resources: dict[str, tuple[bytes, str]] | None = None,
    timings: dict | None = None,
) -> bytes:
    """The PDF of ``html``: tagged (PDF/UA-1 by default), with the ``<title>`` as its title and
    ``<html lang>`` as its language. ``variant=None`` gives an untagged PDF.

    ``resources`` maps names to ``(content, mime type)``: the HTML refers to them as
    ``beacon-resource:NAME`` (e.g. chart SVGs), which keeps large data URIs out of the HTML
    WeasyPrint has to parse.

    ``timings`` (optional) gets WeasyPrint's two steps: parsing and laying out the pages
    (``weasyprint parse+layout``) and drawing and writing the file (``weasyprint draw+write``),
    and the number of ``pages``. The collector does less meanwhile
    (:func:`beacon.core.memory.fewer_collections`): WeasyPrint's boxes sent it through about 570
    collections for the demo QPR, a fifth of the time."""
    from weasyprint import HTML

    fetcher = _resource_fetcher(resources) if resources else None
    document = HTML(string=html, base_url=base_url or ".", url_fetcher=fetcher)
    options = {"pdf_variant": variant} if variant else {}
    if variant:
        options["pdf_tags"] = True
    with fewer_collections():
        start = time.perf_counter()
        pages = document.render(**options)
        laid_out = time.perf_counter()
        pdf = pages.write_pdf(**options)
    if timings is not None:
        timings["weasyprint parse+layout"] = timings.get("weasyprint parse+layout", 0) + laid_out - start
        timings["weasyprint draw+write"] = timings.get("weasyprint draw+write", 0) + time.perf_counter() - laid_out
        timings["pages"] = len(pages.pages)
    return pdf


def _resource_fetcher(resources: dict[str, tuple[bytes, str]]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ResourceFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(RESOURCE_SCHEME):
                content, mime = resources[url[len(RESOURCE_SCHEME):]]
                return URLFetcherResponse(url, body=content, headers={"Content-Type": mime})
            return super().fetch(url, headers)

    return ResourceFetcher(allowed_protocols=("data", "file", "beacon-resource"))


# --- a small HTML tree -----------------------------------------------------------------------
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "source", "wbr"}


class Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict | None = None, parent: "Node | None" = None):
        self.tag = tag
        self.attrs = attrs or {}
        self.children: list = []
        self.parent = parent

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif child.tag not in ("script", "style"):
                out.append(child.text())
        return "".join(out)

    def find_all(self, tag: str) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found += child.find_all(tag)
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- DOCX ------------------------------------------------------------------------------------
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "figure", "figcaption",
           "ul", "ol", "li", "table", "dl", "dt", "dd", "blockquote", "details", "summary"} | set(_HEADINGS)
_WS = re.compile(r"\s+")


def html_to_docx(
    html: str,
    chart_png: Callable[[str], bytes] | None = None,
    title: str | None = None,
    language: str | None = None,
    image_width_cm: float = 16.0,
) -> bytes:
    """The Word document of ``html``. ``chart_png(key)`` returns the PNG for
    ``<img data-chart="key">``; other images must be PNG/JPEG data URIs or are left out
    (with their alt text kept as a paragraph)."""
    root = parse_html(html)
    html_node = next((n for n in root.children if isinstance(n, Node) and n.tag == "html"), root)
    language = language or html_node.attrs.get("lang") or "en-GB"
    if title is None:
        titles = root.find_all("title")
        title = _WS.sub(" ", titles[0].text()).strip() if titles else ""
    body = (root.find_all("body") or [root])[0]
    writer = _DocxWriter(title, language, chart_png, image_width_cm)
    writer.walk(body)
    return writer.save()


def _shading(fill: str):
    """A ``w:shd`` element filling a run or a cell with ``fill`` (RRGGBB)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#"))
    return shd


def _styled_document(title: str, language: str):
    """A new Word document with Beacon's page, fonts and heading styles."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = language
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    normal.element.get_or_add_rPr().append(lang)
    for level in range(1, 5):
        style = doc.styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        style.font.size = Pt({1: 18, 2: 15, 3: 13, 4: 11.5}[level])
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    return doc


class _DocxWriter:
    """Writes the tree of one HTML body into a Word document: block elements (:meth:`walk`)
    become paragraphs, headings, lists and tables; inline content (:meth:`add_inline`) becomes
    runs. ``pending_break``: the next paragraph starts a new page."""

    def __init__(self, title: str, language: str, chart_png: Callable[[str], bytes] | None, image_width_cm: float):
        self.doc = _styled_document(title, language)
        self.chart_png = chart_png
        self.image_width_cm = image_width_cm
        self.pending_break = False

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()

    # --- paragraphs and runs ---------------------------------------------------------------
    def new_paragraph(self, style=None):
        p = self.doc.add_paragraph(style=style)
        if self.pending_break:
            p.paragraph_format.page_break_before = True
            self.pending_break = False
        return p

    @staticmethod
    def shade(run, fill, color):
        from docx.shared import RGBColor

        if color:
            run.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
        if fill:
            run._r.get_or_add_rPr().append(_shading(fill))

    def add_inline(self, paragraph, node, bold=False, italic=False, fill=None, color=None):
        from docx.enum.text import WD_BREAK

        for child in node.children:
            if isinstance(child, str):
                text = _WS.sub(" ", child)
                if text:
                    run = paragraph.add_run(text)
                    run.bold = bold or None
                    run.italic = italic or None
                    if fill or color:
                        self.shade(run, fill, color)
            elif "docx-skip" in child.classes or child.tag in ("script", "style"):
                continue
            elif child.tag == "br":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif child.tag == "img":
                self.add_image(paragraph, child)
            elif child.tag in ("svg",):
                label = child.attrs.get("aria-label")
                if label:
                    paragraph.add_run(label)
            else:
                self.add_inline(
                    paragraph,
                    child,
                    bold or child.tag in ("strong", "b", "th"),
                    italic or child.tag in ("em", "i"),
                    (child.attrs.get("data-fill") if child.tag == "span" else None) or fill,
                    (child.attrs.get("data-color") if child.tag == "span" else None) or color,
                )

    def image_data(self, img: Node) -> bytes | None:
        """The picture of ``<img>``: a chart by its key, or a PNG/JPEG data URI."""
        key = img.attrs.get("data-chart")
        if key and self.chart_png:
            return self.chart_png(key)
        m = re.match(r"data:image/(png|jpeg);base64,(.*)", img.attrs.get("src", ""), re.S)
        return base64.b64decode(m.group(2)) if m else None

    def add_image(self, paragraph, img: Node):
        from docx.shared import Cm

        data = self.image_data(img)
        alt = img.attrs.get("alt", "")
        if data is None:
            if alt:
                paragraph.add_run(alt)
            return
        width = img.attrs.get("data-docx-width-cm")
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(data), width=Cm(float(width) if width else self.image_width_cm))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", alt)
        doc_pr.set("title", img.attrs.get("title", "") or alt[:80])

    # --- tables ----------------------------------------------------------------------------
    def table_rows(self, node: Node) -> list[tuple[bool, list[Node]]]:
        """The rows of ``<table>`` as ``(is_header, cells)``; a visible caption is written as
        a paragraph before the table."""
        rows = []
        for part in node.children:
            if not isinstance(part, Node):
                continue
            if part.tag == "caption" and "visually-hidden" in part.classes:
                continue  # an accessible name for screen readers; Word tables need none
            if part.tag == "caption":
                styles = self.doc.styles
                p = self.new_paragraph("Caption" if "Caption" in [s.name for s in styles] else None)
                self.add_inline(p, part, bold=True)
                continue
            trs = [part] if part.tag == "tr" else [c for c in part.children if isinstance(c, Node) and c.tag == "tr"]
            for tr in trs:
                cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
                header = part.tag == "thead" or (cells and all(c.tag == "th" for c in cells) and not rows)
                rows.append((header, cells))
        return rows

    def add_table(self, node: Node):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        rows = self.table_rows(node)
        if not rows:
            return
        ncols = max(sum(int(c.attrs.get("colspan", 1) or 1) for c in cells) for _, cells in rows)
        table = self.doc.add_table(rows=len(rows), cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        for r, (header, cells) in enumerate(rows):
            row = table.rows[r]
            if header:
                el = OxmlElement("w:tblHeader")
                el.set(qn("w:val"), "true")
                row._tr.get_or_add_trPr().append(el)
            col = 0
            for cell_node in cells:
                span = int(cell_node.attrs.get("colspan", 1) or 1)
                cell = row.cells[col]
                if span > 1 and col + span - 1 < ncols:
                    cell = cell.merge(row.cells[col + span - 1])
                self.add_inline(cell.paragraphs[0], cell_node, bold=header or cell_node.tag == "th")
                fill = cell_node.attrs.get("data-fill")
                if fill:
                    cell._tc.get_or_add_tcPr().append(_shading(fill))
                col += span
        self.new_paragraph()  # space after the table

    # --- blocks ----------------------------------------------------------------------------
    def flush(self, group: list, style):
        """One paragraph for a run of inline content (text, spans, links, images)."""
        meaningful = any(
            (isinstance(g, str) and g.strip())
            or (isinstance(g, Node) and (g.tag == "img" or g.text().strip() or g.find_all("img")))
            for g in group
        )
        if meaningful:
            holder = Node("#inline")
            holder.children = list(group)
            self.add_inline(self.new_paragraph(style), holder)
        group.clear()

    def add_list(self, node: Node):
        numbered = "numbered" in node.classes  # numbers are in the text (1.1, 2.3)
        style = None if numbered else ("List Number" if node.tag == "ol" else "List Bullet")
        for li in node.children:
            if isinstance(li, Node) and li.tag == "li" and "docx-skip" not in li.classes:
                self.walk(li, style)

    def add_block(self, node: Node, inline_style):
        if node.classes & {"page-break", "new-page"}:
            self.pending_break = True
        tag = node.tag
        if tag in _HEADINGS:
            self.add_inline(self.new_paragraph(f"Heading {_HEADINGS[tag]}"), node)
        elif tag == "table":
            self.add_table(node)
        elif tag in ("ul", "ol"):
            self.add_list(node)
        elif tag == "li":
            self.walk(node, inline_style or "List Bullet")
        else:  # p, div, section, figure, dt, dd, ...: its inline runs are paragraphs
            self.walk(node, None)

    def walk(self, node: Node, inline_style=None):
        """Write the children of ``node``: runs of inline content as paragraphs (in
        ``inline_style``), block elements by :meth:`add_block`."""
        group: list = []
        for child in node.children:
            if isinstance(child, str):
                group.append(child)
                continue
            if "docx-skip" in child.classes or child.tag in ("script", "style", "head", "title"):
                continue
            if child.tag not in _BLOCKS:  # inline (or a line break): joins the current paragraph
                group.append(child)
                continue
            self.flush(group, inline_style)
            self.add_block(child, inline_style)
        self.flush(group, inline_style)
