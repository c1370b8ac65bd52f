"""The labeller's search over a rebuilt copy: where each code's terms occur, to read before labelling.

    .venv/bin/python bench/govsites_search.py NAME [CODE...] [--context 80] > NAME.hits
    .venv/bin/python bench/govsites_search.py NAME --skeleton zfl-legistik-de > labels/NAME.yaml  # to fill in

Terms are tests/eval/labels/search_terms.yaml (the labeller's own, per code). For every code it prints
how many pages match and, for the first pages, the matching text with its surroundings; a code with no
hit is what an "absent" label's note means by "searched". `quote_found` checks that a quote occurs
in a page's visible text, the way tests/eval/test_govsites.py checks every label.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from functools import cache
from pathlib import Path

import yaml
from selectolax.lexbor import LexborHTMLParser as HTMLParser

ROOT = Path(__file__).resolve().parents[1]
TERMS = ROOT / "tests" / "eval" / "labels" / "search_terms.yaml"
OUT = ROOT / "bench" / "out" / "govsites"
RAW_CODES = {"071", "195", "196", "074", "204", "208", "209"}  # searched in the markup, not the text


def normalise(text: str) -> str:
    """Whitespace collapsed and Unicode composed (NFC): pages mix "à" and "a" + combining grave."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def page_text(html: str) -> str:
    """Visible text plus the words a reader meets in attributes (title, alt, aria-label, link targets)."""
    tree = HTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    extra = []
    for node in tree.css("[title], [alt], [aria-label], a[href], [placeholder]"):
        for attr in ("title", "alt", "aria-label", "href", "placeholder"):
            value = node.attributes.get(attr)
            if value:
                extra.append(value)
    body = tree.body.text(separator=" ") if tree.body else ""
    title = tree.css_first("title")
    return normalise(" ".join([title.text() if title else "", body, " ".join(extra)]))


@cache
def load_terms() -> dict[str, list[str]]:
    raw = yaml.safe_load(TERMS.read_text(encoding="utf-8"))["terms"]
    out = {}
    for code, value in raw.items():
        while isinstance(value, str) and value.startswith("same_as:"):
            value = raw[value.split(":", 1)[1]]
        out[str(code)] = value
    return out


def terms_for(code: str) -> list[str]:
    terms = load_terms()
    if code in terms:
        return terms[code]
    for prefix in (code[:3],):  # 095a/095b → 095a table entry or the series head
        if prefix in terms:
            return terms[prefix]
    for n in range(len(code), 0, -1):
        if code[:n] in terms:
            return terms[code[:n]]
    return []


def html_pages(folder: Path) -> list[Path]:
    """The HTML files of a copy: not wget's backups (index.html.orig), not the links fold_case made."""
    return sorted(f for f in folder.rglob("*.htm*") if f.suffix in (".html", ".htm") and not f.is_symlink())


def pages(folder: Path) -> dict[str, tuple[str, str]]:
    """{path: (raw html, visible text)} for every HTML page of a copy."""
    found = {}
    for file in html_pages(folder):
        html = file.read_text(encoding="utf-8", errors="replace")
        found["/" + file.relative_to(folder).as_posix()] = (html, page_text(html))
    return found


def hits_for(site: dict[str, tuple[str, str]], code: str) -> list[tuple[str, str, re.Match[str]]]:
    """The pages where a code's terms occur: (path, searched text, first match)."""
    terms = terms_for(code)
    if not terms:
        return []
    pattern = re.compile("|".join(f"(?:{t})" for t in terms), re.IGNORECASE)
    found = []
    for path, (html, text) in site.items():
        haystack = html if code in RAW_CODES else text
        match = pattern.search(haystack)
        if match:
            found.append((path, haystack, match))
    return found


def search(folder: Path, codes: list[str], context: int, shown: int) -> None:
    site = pages(folder)
    print(f"# {folder.name}: {len(site)} pages")
    for code in codes:
        if not terms_for(code):
            print(f"\n## {code}: no terms")
            continue
        hits = hits_for(site, code)
        print(f"\n## {code}: {len(hits)} of {len(site)} pages")
        for path, haystack, match in hits[:shown]:
            start, end = max(0, match.start() - context), match.end() + context
            print(f"  {path}: …{normalise(haystack[start:end])}…")


def skeleton(folder: Path, like: Path) -> None:
    """A labels file to fill in: every code `like` labels, "absent" where no page matches its terms
    (the note says how it was searched), "todo" with the number of matching pages elsewhere."""
    site = pages(folder)
    reference = yaml.safe_load(like.read_text(encoding="utf-8"))
    print(f"site: {folder.name}\ninstruments:")
    for instrument, codes in reference["instruments"].items():
        print(f"  {instrument}:")
        listed = set(codes) | set((reference.get("unknown") or {}).get(instrument) or {})
        for code in sorted(listed, key=_code_order):
            count = len(hits_for(site, code))
            if count:
                print(f'    "{code}": {{value: todo, note: "searched {len(site)} pages ({count} match its terms)"}}')
            else:
                print(f'    "{code}": {{value: absent, note: "searched {len(site)} pages: no match for its terms"}}')


def _code_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits or 0), code


def quote_found(folder: Path, path: str, quote: str) -> bool:
    file = folder / path.lstrip("/")
    if file.is_dir():
        file = file / "index.html"
    html = file.read_text(encoding="utf-8", errors="replace")
    return normalise(quote) in page_text(html) or normalise(quote) in normalise(html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("codes", nargs="*")
    parser.add_argument("--context", type=int, default=70)
    parser.add_argument("--shown", type=int, default=4)
    parser.add_argument("--root", type=Path, default=OUT)
    parser.add_argument(
        "--skeleton", metavar="LIKE", help="print a labels file to fill in, with the codes of labels/LIKE.yaml"
    )
    args = parser.parse_args()
    folder = args.root / args.name
    if not folder.is_dir():
        sys.exit(f"no copy at {folder}: run bench/govsites.py build {args.name}")
    if args.skeleton:
        skeleton(folder, TERMS.parent / f"{args.skeleton}.yaml")
        return
    codes = args.codes or list(load_terms())
    search(folder, codes, args.context, args.shown)


if __name__ == "__main__":
    main()
