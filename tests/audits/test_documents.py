"""PDF checks on small documents built here with pikepdf: tagged, untagged, scanned, encrypted."""

from __future__ import annotations

import io

import pikepdf

from audits.documents import check_pdf
from audits.outcome import Outcome
from tests.audits.helpers import only

URL = "https://gov.example/report.pdf"


def _save(pdf: pikepdf.Pdf, **kwargs: object) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **kwargs)
    return out.getvalue()


def text_page(pdf: pikepdf.Pdf, text: str) -> pikepdf.Dictionary:
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 612, 792],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(content),
    )


def image_page(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """What a scanner produces: one grey image XObject painted over the page, no text."""
    image = pdf.make_stream(
        bytes([200]) * 64,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=8,
        Height=8,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
    )
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 612, 792],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
        Contents=pdf.make_stream(b"q 612 0 0 792 0 0 cm /Im0 Do Q"),
    )


def build(*, tagged: bool, pages: str = "t", lang: str | None = "en-GB", title: str | None = "Annual report") -> bytes:
    pdf = pikepdf.new()
    for kind in pages:
        pdf.pages.append(pikepdf.Page(text_page(pdf, "Hello") if kind == "t" else image_page(pdf)))
    if tagged:
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document))
        pdf.Root.StructTreeRoot = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([document]))
        )
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    if lang is not None:
        pdf.Root.Lang = pikepdf.String(lang)
    if title is not None:
        with pdf.open_metadata() as meta:
            meta["dc:title"] = title
    return _save(pdf)


def outcomes(data: bytes) -> dict[str, Outcome]:
    return {r.rule_id: r.outcome for r in check_pdf(data, URL)}


def test_tagged_pdf_with_language_title_and_text_passes() -> None:
    assert outcomes(build(tagged=True)) == {
        "pdf-tagged": Outcome.PASSED,
        "pdf-language": Outcome.PASSED,
        "pdf-title": Outcome.PASSED,
        "pdf-text-layer": Outcome.PASSED,
    }


def test_untagged_pdf_without_language_or_title_fails_each_rule() -> None:
    results = check_pdf(build(tagged=False, lang=None, title=None), URL)
    by_rule = {r.rule_id: r for r in results}
    assert by_rule["pdf-tagged"].outcome is Outcome.FAILED and "StructTreeRoot" in by_rule["pdf-tagged"].reason
    assert by_rule["pdf-language"].outcome is Outcome.FAILED and by_rule["pdf-language"].wcag == ("3.1.1",)
    assert by_rule["pdf-title"].outcome is Outcome.FAILED and "no title" in by_rule["pdf-title"].reason
    assert by_rule["pdf-text-layer"].outcome is Outcome.PASSED
    assert all(r.page_url == URL and r.engine == "govaudit" for r in results)


def test_title_without_display_doc_title_fails() -> None:
    r = only(check_pdf(build(tagged=False), URL), "pdf-title")
    assert r.outcome is Outcome.FAILED and "DisplayDocTitle" in r.reason


def test_invalid_language_fails() -> None:
    assert outcomes(build(tagged=True, lang="english"))["pdf-language"] is Outcome.FAILED


def test_scanned_document_fails_and_mixed_one_needs_review() -> None:
    scanned = only(check_pdf(build(tagged=False, pages="ii"), URL), "pdf-text-layer")
    assert scanned.outcome is Outcome.FAILED and [n.selector for n in scanned.nodes] == ["pdf:page 1", "pdf:page 2"]
    mixed = only(check_pdf(build(tagged=True, pages="tit"), URL), "pdf-text-layer")
    assert mixed.outcome is Outcome.NEEDS_REVIEW and [n.selector for n in mixed.nodes] == ["pdf:page 2"]


def test_password_protected_and_broken_files_are_errors() -> None:
    pdf = pikepdf.open(io.BytesIO(build(tagged=True)))
    locked = _save(pdf, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    [r] = check_pdf(locked, URL)
    assert r.outcome is Outcome.ERROR and r.rule_id == "pdf-readable" and "password" in r.reason
    [broken] = check_pdf(b"%PDF-1.7\nthis is not a pdf", URL)
    assert broken.outcome is Outcome.ERROR and broken.reason


def test_owner_password_only_is_still_checked() -> None:
    pdf = pikepdf.open(io.BytesIO(build(tagged=True)))
    data = _save(pdf, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert outcomes(data)["pdf-tagged"] is Outcome.PASSED
