"""Accessibility of PDF documents linked from a site (pikepdf): tagged structure, document
language, a title shown in the window bar, and a real text layer rather than scanned images.

Pure function on bytes: the crawler fetches the file, this reads it. The checks follow the WCAG
PDF techniques (PDF1/PDF9 structure, PDF16 language, PDF18 title, PDF7 OCR of scanned pages)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from audits.checks.common import ENGINE, ENGINE_VERSION
from audits.checks.language import valid_language_tag
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

MAX_PAGES = 50  # enough to tell a scanned document from a born-digital one; big reports stay cheap
_TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})


@dataclass(frozen=True, slots=True)
class _PageContent:
    number: int
    text: bool
    images: bool


def _result(
    url: str,
    rule: str,
    outcome: Outcome,
    wcag: tuple[str, ...],
    description: str,
    reason: str = "",
    nodes: tuple[AuditNode, ...] = (),
) -> AuditResult:
    return AuditResult(
        page_url=url,
        engine=ENGINE,
        engine_version=ENGINE_VERSION,
        rule_id=rule,
        outcome=outcome,
        wcag=wcag,
        impact="serious" if outcome is Outcome.FAILED else None,
        description=description,
        nodes=nodes,
        reason=reason,
    )


def check_pdf(data: bytes, url: str) -> list[AuditResult]:
    """One result per rule: pdf-tagged, pdf-language, pdf-title, pdf-text-layer; a single
    `pdf-readable` error when the file cannot be opened (encrypted with a password, or broken)."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return [_unreadable(url, "the PDF is encrypted with a password: it cannot be read by assistive technology")]
    except (pikepdf.PdfError, ValueError) as exc:
        return [_unreadable(url, f"not a readable PDF: {str(exc).splitlines()[0][:200]}")]
    with pdf:
        try:
            return [_tagged(pdf, url), _language(pdf, url), _title(pdf, url), _text_layer(pdf, url)]
        except (pikepdf.PdfError, RecursionError) as exc:
            return [_unreadable(url, f"the PDF could not be analysed: {str(exc).splitlines()[0][:200]}")]


def _unreadable(url: str, reason: str) -> AuditResult:
    return _result(url, "pdf-readable", Outcome.ERROR, (), "The PDF document can be opened", reason)


def _tagged(pdf: pikepdf.Pdf, url: str) -> AuditResult:
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    marked = bool(mark_info is not None and mark_info.get("/Marked", False))
    structure = "/StructTreeRoot" in root
    description = "The PDF is tagged (structure tree and MarkInfo /Marked true)"
    if marked and structure:
        return _result(url, "pdf-tagged", Outcome.PASSED, ("1.3.1",), description)
    missing = [name for name, ok in (("/MarkInfo /Marked true", marked), ("/StructTreeRoot", structure)) if not ok]
    node = AuditNode(selector="pdf:catalog", html="", message="missing " + " and ".join(missing))
    return _result(url, "pdf-tagged", Outcome.FAILED, ("1.3.1",), description, node.message, (node,))


def _language(pdf: pikepdf.Pdf, url: str) -> AuditResult:
    description = "The PDF declares its language (/Lang in the catalog)"
    lang = str(pdf.Root.get("/Lang", "")).strip()
    if not lang:
        reason = "no /Lang in the document catalog"
    elif not valid_language_tag(lang):
        reason = f"/Lang {lang!r} is not a valid language tag"
    else:
        return _result(url, "pdf-language", Outcome.PASSED, ("3.1.1",), description)
    node = AuditNode(selector="pdf:catalog", html="", message=reason)
    return _result(url, "pdf-language", Outcome.FAILED, ("3.1.1",), description, reason, (node,))


def _title(pdf: pikepdf.Pdf, url: str) -> AuditResult:
    description = "The PDF has a title, shown instead of the file name (DisplayDocTitle)"
    title = ""
    try:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            title = str(meta.get("dc:title", "") or "").strip()
    except Exception:  # broken XMP is common; /Info still answers
        title = ""
    if not title and pdf.trailer.get("/Info") is not None:
        title = str(pdf.docinfo.get("/Title", "")).strip()
    prefs = pdf.Root.get("/ViewerPreferences")
    display = bool(prefs is not None and prefs.get("/DisplayDocTitle", False))
    if title and display:
        return _result(url, "pdf-title", Outcome.PASSED, ("2.4.2",), description)
    reason = "no title in the metadata" if not title else "the title is set but /DisplayDocTitle is not true"
    node = AuditNode(selector="pdf:metadata", html=title[:200], message=reason)
    return _result(url, "pdf-title", Outcome.FAILED, ("2.4.2",), description, reason, (node,))


def _has_text(
    resources: pikepdf.Object,
    instructions: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage],
    depth: int = 0,
) -> bool:
    if any(
        str(i.operator) in _TEXT_OPERATORS for i in instructions if not isinstance(i, pikepdf.ContentStreamInlineImage)
    ):
        return True
    # Text can live in a form XObject drawn by the page (letterheads, templates): look one level in.
    xobjects = resources.get("/XObject") if resources is not None else None
    if depth > 1 or xobjects is None:
        return False
    for _, xobject in xobjects.items():
        if xobject.get("/Subtype") == "/Form":
            inner = pikepdf.parse_content_stream(xobject)
            if _has_text(xobject.get("/Resources", pikepdf.Dictionary()), inner, depth + 1):
                return True
    return False


def _images(page: pikepdf.Page) -> object:
    # get_images() (pikepdf 10) also finds images nested in form XObjects; older versions had .images.
    getter = getattr(page, "get_images", None)
    return getter() if getter is not None else page.images


def _page_content(number: int, page: pikepdf.Page) -> _PageContent:
    instructions = pikepdf.parse_content_stream(page)
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    images = any(isinstance(i, pikepdf.ContentStreamInlineImage) for i in instructions) or bool(_images(page))
    return _PageContent(number, _has_text(resources, instructions), images)


def _text_layer(pdf: pikepdf.Pdf, url: str) -> AuditResult:
    description = "The PDF has real text, not only scanned images of text"
    pages = [_page_content(n, page) for n, page in enumerate(pdf.pages[:MAX_PAGES], start=1)]
    image_only = [p for p in pages if p.images and not p.text]
    nodes = tuple(
        AuditNode(selector=f"pdf:page {p.number}", html="", message="page drawn from images only, no text")
        for p in image_only[:20]
    )
    if not pages or not any(p.text or p.images for p in pages):
        return _result(
            url,
            "pdf-text-layer",
            Outcome.NEEDS_REVIEW,
            ("1.1.1", "1.4.5"),
            description,
            "the document has neither text nor images on its first pages",
        )
    if not any(p.text for p in pages):
        return _result(
            url,
            "pdf-text-layer",
            Outcome.FAILED,
            ("1.1.1", "1.4.5"),
            description,
            "every page is an image: a scanned document without a text layer (OCR)",
            nodes,
        )
    if image_only:
        # A born-digital document can have a full-page figure: a human tells a scan from a picture.
        return _result(
            url,
            "pdf-text-layer",
            Outcome.NEEDS_REVIEW,
            ("1.1.1", "1.4.5"),
            description,
            f"{len(image_only)} page(s) made of images only, possibly scanned",
            nodes,
        )
    return _result(url, "pdf-text-layer", Outcome.PASSED, ("1.1.1", "1.4.5"), description)
