"""Keyword lexicons per language, loaded from rules/lexicons/<lang>.yaml."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from crawler.yaml_data import load_yaml

# Scripts written without spaces between words: no word-boundary matching there.
NO_WORD_BOUNDARIES = ("zh", "ja", "th")


def fold(text: str) -> str:
    """Case- and accent-insensitive form, Chinese in Simplified characters: "Confidentialité" →
    "confidentialite", "常見問題" → "常见问题" (a zh-TW page matches the lexicon's terms)."""
    if text.isascii():  # no accents to strip, and NFKD leaves ASCII as it is: the common case, made cheap
        return text.casefold()
    # Invisible break hints (a soft hyphen in "Bundes\u00administerium", word joiners between Chinese
    # characters) are typesetting, not spelling: left in, they split the words a term must match.
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_INVISIBLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    if stripped and max(stripped) >= _CJK_START:
        return stripped.translate(_simplified())
    return stripped


_CJK_START = "\u3400"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


@cache
def _simplified() -> dict[int, str]:
    """Traditional → Simplified, character by character (zhconv's MediaWiki table), built once."""
    from zhconv import convert

    table = {}
    for code in range(0x3400, 0xA000):
        char = chr(code)
        simple = convert(char, "zh-hans")
        if simple != char and len(simple) == 1:
            table[code] = simple
    return table


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    concepts: dict[str, tuple[str, ...]]

    def terms(self, concept: str) -> tuple[str, ...]:
        return self.concepts.get(concept, ())

    def matches(self, concept: str, text: str) -> str | None:
        """The first term of `concept` found in `text`, or None."""
        # Short texts (link texts, titles) come back again and again; long ones are not kept.
        folded = _folded(text) if len(text) <= 300 else fold(text)
        for term in self.terms(concept):
            needle = _folded(term)
            # The substring test first: most terms are absent, and it costs far less than the regex.
            if needle not in folded:
                continue
            if term_pattern(needle, self.language).search(folded):
                return term
        return None


@lru_cache(maxsize=16384)
def _folded(text: str) -> str:
    return fold(text)


# Letters of the scripts in NO_WORD_BOUNDARIES (kana, CJK ideographs, Thai) and their punctuation.
SPACELESS_SCRIPT = "[\u0e00-\u0e7f\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"


@lru_cache(maxsize=8192)
def term_pattern(needle: str, language: str) -> re.Pattern[str]:
    """A folded term as a whole word. In scripts written without spaces a term is matched anywhere, but
    a Latin word within them ("以 AI 治 AI") is still a word: "ai" does not match inside "detail"."""
    escaped = re.escape(needle)
    if language not in NO_WORD_BOUNDARIES:
        return re.compile(rf"(?<!\w){escaped}(?!\w)")
    before = r"(?<![a-z0-9])" if needle[:1].isascii() and needle[:1].isalnum() else ""
    after = r"(?![a-z0-9])" if needle[-1:].isascii() and needle[-1:].isalnum() else ""
    if not needle.isascii():
        return re.compile(f"{before}{escaped}{after}")
    # A term of the zh lexicon written in Latin letters ("AI", "Creative Commons") is Chinese usage only
    # inside Chinese text: standing next to the script's characters (a space or a bracket between at
    # most). In English text the English lexicon speaks, where "AI" is also "AI/AN" (American Indian/
    # Alaska Native) and is left out for that reason.
    script = SPACELESS_SCRIPT
    return re.compile(
        rf"(?:(?:(?<={script})|(?<={script}\W)){before}{escaped}{after}"
        rf"|{before}{escaped}{after}(?={script}|\W{script}))"
    )


class LexiconError(ValueError):
    pass


@cache
def load_lexicon(language: str) -> Lexicon:
    name = f"{language}.yaml"
    folder = resources.files("rules.lexicons")
    if not folder.joinpath(name).is_file():
        raise LexiconError(f"no lexicon for language {language!r} (rules/lexicons/{name})")
    data = load_yaml(folder.joinpath(name).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), dict):
        raise LexiconError(f"rules/lexicons/{name}: expected a mapping with 'concepts'")
    concepts = {str(k): tuple(str(t) for t in v) for k, v in data["concepts"].items()}
    return Lexicon(language=str(data.get("language", language)), concepts=concepts)


def available_languages() -> list[str]:
    folder = resources.files("rules.lexicons")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@dataclass(frozen=True, slots=True, eq=False)
class Lexicons:
    """All lexicons a site needs; `matches` tries the page's language first, then the others.
    Hashed by identity (eq=False): the term matching caches answers per lexicon set."""

    by_language: dict[str, Lexicon]

    @classmethod
    def load(cls, languages: list[str] | None = None) -> Lexicons:
        return cls({lang: load_lexicon(lang) for lang in (languages or available_languages())})

    def matches(self, concept: str, text: str, language: str = "") -> str | None:
        ordered = sorted(self.by_language.values(), key=lambda lex: lex.language != language)
        for lexicon in ordered:
            if term := lexicon.matches(concept, text):
                return term
        return None

    def terms(self, concept: str) -> list[str]:
        return [t for lex in self.by_language.values() for t in lex.terms(concept)]
