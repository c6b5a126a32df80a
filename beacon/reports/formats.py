"""The output formats, each registered once: its name (the ``--format`` value and the file
extension in a URL), how a page names it, its MIME type, its file extension and the function
that renders it. Commands (``beacon report``, ``beacon register``, ``beacon publish``,
``beacon demo``), the web views and their download links, and publishing all look formats up
here (pretix's exporter registry is the model); nothing else decides by a format's name.

Three kinds of output, one registry each, in the order they are offered:

* :data:`QPR`: the Quarterly Performance Report of one edition (renders a
  :class:`beacon.reports.documents.Edition`): json, html, pdf, docx, and the open data of its KPIs
  as csv and xlsx;
* :data:`REGISTER`: a Corporate Risk Register edition (renders its model): json, html, pdf, docx;
* :data:`BUNDLE`: the whole database as a data bundle (renders ``None``): zip (CSV files), xlsx.

Adding a format is one registration::

    @QPR.register("odt", label="OpenDocument text", content_type="application/vnd.oasis.opendocument.text")
    def _qpr_odt(edition, **options) -> bytes:
        ...

after which ``beacon report --format odt``, ``beacon publish`` (every QPR format is stored when
an edition is published), the web previews, downloads and their links all offer it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from beacon.core import jsonio

__all__ = ["OutputFormat", "Formats", "UnknownFormat", "QPR", "REGISTER", "BUNDLE", "PACK", "GOVERNANCE_OPEN_DATA",
           "REGISTRIES"]


class UnknownFormat(ValueError):
    pass


@dataclass(frozen=True)
class OutputFormat:
    """One registered format of one kind of output."""

    name: str  # the --format value, and the extension in the download URL
    label: str  # how a page names the file: "PDF document"
    short_label: str  # in a list of alternatives: "PDF"
    content_type: str  # the HTTP Content-Type (with its charset for text)
    extension: str  # the file extension, without the dot
    render: Callable[..., bytes] = field(repr=False)
    binary: bool = True  # False: text that may be written to standard output
    inline: bool = True  # a browser shows it (False: it is downloaded as an attachment)
    open_data: bool = False  # machine-readable figures, listed as a published report's open data

    def filename(self, stem: str) -> str:
        return f"{stem}.{self.extension}"


class Formats:
    """The registered formats of one kind of output, in the order they are registered."""

    def __init__(self, kind: str):
        self.kind = kind
        self._formats: dict[str, OutputFormat] = {}

    def register(self, name: str, *, label: str, content_type: str, short_label: str | None = None,
                 extension: str | None = None, binary: bool = True, inline: bool = True, open_data: bool = False):
        """A decorator registering the decorated function as the renderer of format ``name``."""

        def add(render: Callable[..., bytes]) -> Callable[..., bytes]:
            if name in self._formats:
                raise ValueError(f"{self.kind}: format {name!r} is already registered")
            self._formats[name] = OutputFormat(
                name=name, label=label, short_label=short_label or name.upper(), content_type=content_type,
                extension=extension or name, render=render, binary=binary, inline=inline, open_data=open_data,
            )
            return render

        return add

    def unregister(self, name: str) -> None:
        """Take format ``name`` out (a plug-in being unloaded; the tests)."""
        self._formats.pop(name, None)

    def __getitem__(self, name: str) -> OutputFormat:
        try:
            return self._formats[name]
        except KeyError:
            raise UnknownFormat(f"unknown {self.kind} format {name!r}: use {self.choices_text()}") from None

    def get(self, name: str) -> OutputFormat | None:
        return self._formats.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._formats

    def __iter__(self) -> Iterator[OutputFormat]:
        return iter(list(self._formats.values()))

    def __len__(self) -> int:
        return len(self._formats)

    @property
    def names(self) -> list[str]:
        return list(self._formats)

    def choices_text(self) -> str:
        """``json, html, pdf or docx``."""
        names = self.names
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"

    def render(self, name: str, obj: Any, **options) -> bytes:
        return self[name].render(obj, **options)


# --- the media types ----------------------------------------------------------------------------
JSON = "application/json"
HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
CSV = "text/csv; charset=utf-8"


# --- the Quarterly Performance Report (renders an Edition) --------------------------------------
QPR = Formats("QPR")


@QPR.register("json", label="Open data (JSON)", content_type=JSON, binary=False, open_data=True)
def _qpr_json(edition, **options) -> bytes:
    """The computed model (docs/report-model.md)."""
    return jsonio.to_bytes(edition.model)


@QPR.register("html", label="Web page (HTML)", content_type=HTML, binary=False)
def _qpr_html(edition, timings: dict | None = None) -> bytes:
    from beacon.reports import documents

    return documents.qpr_html(edition, timings).encode("utf-8")


@QPR.register("pdf", label="PDF document", content_type=PDF)
def _qpr_pdf(edition, timings: dict | None = None) -> bytes:
    from beacon.reports import documents

    return documents.qpr_pdf(edition, timings)


@QPR.register("docx", label="Word document", short_label="Word", content_type=DOCX, inline=False)
def _qpr_docx(edition, timings: dict | None = None) -> bytes:
    from beacon.reports import documents

    return documents.qpr_docx(edition, timings)


@QPR.register("csv", label="Open data (CSV)", content_type=CSV, binary=False, inline=False, open_data=True)
def _qpr_csv(edition, **options) -> bytes:
    """One row per KPI: value, target, floor, RAG, direction of travel and their sources
    (``beacon.reports.open_data``)."""
    from beacon.reports.open_data import open_data_csv

    return open_data_csv(edition.model)


@QPR.register("xlsx", label="Open data (Excel workbook)", short_label="Excel", content_type=XLSX, inline=False,
              open_data=True)
def _qpr_xlsx(edition, **options) -> bytes:
    """The same rows as the CSV, as a workbook."""
    from beacon.reports.open_data import open_data_xlsx

    return open_data_xlsx(edition.model)


# --- a Corporate Risk Register edition (renders its model) --------------------------------------
REGISTER = Formats("register")


@REGISTER.register("json", label="Data (JSON)", content_type=JSON, binary=False)
def _register_json(model, **options) -> bytes:
    """The edition's model (docs/register-model.md)."""
    return jsonio.to_bytes(model)


@REGISTER.register("html", label="Web page (HTML)", content_type=HTML, binary=False)
def _register_html(model, **options) -> bytes:
    from beacon.reports.register.documents import register_html

    return register_html(model).encode("utf-8")


@REGISTER.register("pdf", label="PDF document", content_type=PDF)
def _register_pdf(model, **options) -> bytes:
    from beacon.reports.register.documents import register_pdf

    return register_pdf(model)


@REGISTER.register("docx", label="Word document", short_label="Word", content_type=DOCX, inline=False)
def _register_docx(model, **options) -> bytes:
    from beacon.reports.register.documents import register_docx

    return register_docx(model)


# --- the data bundle: everything in the database (renders None) ---------------------------------
BUNDLE = Formats("data bundle")


@BUNDLE.register("zip", label="Data bundle (zip of CSV files)", short_label="CSV", content_type=ZIP, inline=False)
def _bundle_zip(_=None, **options) -> bytes:
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    from beacon.bundle.importer import export_bundle

    with tempfile.TemporaryDirectory(prefix="beacon-export-") as tmp:
        folder = Path(tmp) / "beacon-bundle"
        export_bundle(folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    archive.write(file, file.relative_to(folder.parent).as_posix())
        return buffer.getvalue()


@BUNDLE.register("xlsx", label="Excel workbook (.xlsx)", short_label="Excel", content_type=XLSX, inline=False)
def _bundle_xlsx(_=None, **options) -> bytes:
    import tempfile
    from pathlib import Path

    from beacon.bundle.importer import export_bundle

    with tempfile.TemporaryDirectory(prefix="beacon-export-") as tmp:
        path = Path(tmp) / "beacon-bundle.xlsx"
        export_bundle(path)
        return path.read_bytes()


# --- a meeting's agenda pack (renders a dispatched Pack or an AssembledPack: both carry .pdf, .html) --
PACK = Formats("agenda pack")


@PACK.register("pdf", label="PDF document (tagged, with bookmarks)", content_type=PDF)
def _pack_pdf(pack, **options) -> bytes:
    return bytes(pack.pdf)


@PACK.register("html", label="Web page", short_label="Web page", content_type=HTML, binary=False)
def _pack_html(pack, **options) -> bytes:
    return pack.html.encode("utf-8")


# --- the meetings' open data (renders a dataset name of beacon.reports.governance_open_data) -----
GOVERNANCE_OPEN_DATA = Formats("meetings open data")


@GOVERNANCE_OPEN_DATA.register("json", label="Open data (JSON)", content_type=JSON, binary=False, open_data=True)
def _governance_json(name, **options) -> bytes:
    from .governance_open_data import dataset_json

    return dataset_json(name, **options)


@GOVERNANCE_OPEN_DATA.register("csv", label="Open data (CSV)", content_type=CSV, binary=False, inline=False,
                               open_data=True)
def _governance_csv(name, **options) -> bytes:
    from .governance_open_data import dataset_csv

    return dataset_csv(name, **options)


# the registries by the name the templates use (``{% output_formats "qpr" as formats %}``)
REGISTRIES: dict[str, Formats] = {"qpr": QPR, "register": REGISTER, "bundle": BUNDLE, "pack": PACK,
                                  "meetings_open_data": GOVERNANCE_OPEN_DATA}


# --- a quarterly return as a spreadsheet to fill in (renders a Return) ---------------------------
RETURN = Formats("return spreadsheet")


def _return_rows(ret):
    from beacon.returns import queries
    from beacon.returns.upload import template_rows

    return template_rows(queries.return_lines(ret), ret.period.quarter, ret.directorate.code, ret.commentary)


@RETURN.register("xlsx", label="Excel workbook", short_label="Excel", content_type=XLSX, inline=False)
def _return_xlsx(ret, **options) -> bytes:
    from beacon.returns.upload import template_xlsx

    return template_xlsx(_return_rows(ret), f"{ret.directorate.name} return, {ret.period.period}")


@RETURN.register("csv", label="CSV file", content_type=CSV, binary=False, inline=False)
def _return_csv(ret, **options) -> bytes:
    from beacon.returns.upload import template_csv

    return template_csv(_return_rows(ret))
