"""Open government data: the catalogue read through its API (CKAN, DKAN, Socrata, OpenDataSoft, uData,
DCAT JSON-LD, data.json), else the data files the portal links to.

Answers: #037 open-data portal (the catalogue answered), #099 #112 #128 #141 #170 #181 datasets per
sector, #078 expenditure data, #304–#309 budget datasets per sector, #310 real-time data, #303 licence,
#038 metadata per file (completeness of title, description, licence, publisher, date, format).
Counts are quoted in the evidence ("CKAN package_search: 4 datasets; health 1 …").

The API is found from the links the site shows (rules/signals/open_data_platforms.yaml, `url_marks`)
and queried through `SiteView.fetch` (the crawl's fetcher: politeness, address guard). A probe that
returns no body (a fetcher that keeps only HTML) leaves the answer to the data-file links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from crawler.snapshot import Link, PageContent
from rules.bounded_json import JSONTooDeep, loads_bounded
from rules.detectors.common import matched_terms, signals
from rules.detectors.concepts import slug_text
from rules.findings import ABSENT, PRESENT, Evidence
from rules.lexicon import Lexicons
from rules.module import Observation, RuleModule, SiteView, evidence_from

SECTORS: dict[str, tuple[str, str, str]] = {  # sector → (topic concept, datasets code, budget dataset code)
    "health": ("topic_health", "099", "304"),
    "education": ("topic_education", "112", "305"),
    "employment": ("topic_employment", "128", "306"),
    "social_protection": ("topic_social", "141", "307"),
    "environment": ("topic_environment", "170", "308"),
    "justice": ("topic_justice", "181", "309"),
}
DATA_EXTENSIONS = (".csv", ".xlsx", ".xls", ".json", ".xml", ".ods", ".geojson", ".zip", ".txt")
ROWS = 1000  # records read from a catalogue (CKAN's default cap); counts say when it was a sample
METADATA_FIELDS = ("title", "description", "licence", "publisher", "modified", "formats")
COMPLETE_ENOUGH = 0.8
INSTRUMENT = "OSI-2024"


@dataclass(frozen=True, slots=True)
class Record:
    """One dataset, whatever the catalogue's dialect."""

    title: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    licence: str = ""
    publisher: str = ""
    modified: str = ""
    formats: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    frequency: str = ""

    @property
    def text(self) -> str:
        return " ".join([self.title, self.description, *self.keywords, self.publisher])

    def completeness(self) -> float:
        return sum(1 for f in METADATA_FIELDS if getattr(self, f)) / len(METADATA_FIELDS)


@dataclass(frozen=True, slots=True)
class Catalogue:
    platform: str
    url: str  # the API query that answered
    records: tuple[Record, ...]
    total: int  # what the catalogue says it holds (records may be a sample)


def _s(value: Any) -> str:
    if isinstance(value, Mapping):
        value = _strip(value)
        value = value.get("name") or value.get("title") or value.get("fn") or value.get("@id") or ""
    if isinstance(value, list):
        value = " ".join(_s(v) for v in value)
    return str(value or "").strip()


def _strip(data: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-LD keys without their prefix or namespace: "dct:title", "http://purl.org/dc/terms/title" → "title"."""
    return {str(k).rsplit("#", 1)[-1].rsplit("/", 1)[-1].split(":")[-1]: v for k, v in data.items()}


def _ckan(payload: Mapping[str, Any]) -> tuple[list[Record], int]:
    result = payload.get("result") or {}
    if isinstance(result, list):  # package_list: names only
        return [Record(title=str(n)) for n in result], len(result)
    records = []
    for p in result.get("results", []):
        tags = tuple(_s(t) for t in p.get("tags", ()))
        groups = tuple(_s(g) for g in p.get("groups", ()))
        resources = p.get("resources", ())
        extras = {str(e.get("key")): str(e.get("value")) for e in p.get("extras", ()) if isinstance(e, Mapping)}
        records.append(
            Record(
                title=_s(p.get("title") or p.get("name")),
                description=_s(p.get("notes")),
                keywords=tags + groups,
                licence=_s(p.get("license_title") or p.get("license_id")),
                publisher=_s(p.get("organization")),
                modified=_s(p.get("metadata_modified")),
                formats=tuple(_s(r.get("format")) for r in resources if r.get("format")),
                files=tuple(_s(r.get("url")) for r in resources if r.get("url")),
                frequency=_s(p.get("frequency") or extras.get("frequency") or extras.get("update_frequency")),
            )
        )
    return records, int(result.get("count") or len(records))


def _dcat_dataset(raw: Mapping[str, Any]) -> Record:
    d = _strip(raw)
    distributions = d.get("distribution") or []
    if isinstance(distributions, Mapping):
        distributions = [distributions]
    dists = [_strip(x) for x in distributions if isinstance(x, Mapping)]
    keywords = d.get("keyword") or []
    themes = d.get("theme") or []
    return Record(
        title=_s(d.get("title")),
        description=_s(d.get("description")),
        keywords=tuple(_s(k) for k in ([keywords] if isinstance(keywords, str) else keywords))
        + tuple(_s(t) for t in ([themes] if isinstance(themes, str) else themes)),
        licence=_s(d.get("license") or d.get("rights")),
        publisher=_s(d.get("publisher")),
        modified=_s(d.get("modified") or d.get("issued")),
        formats=tuple(
            _s(x.get("format") or x.get("mediaType")) for x in dists if x.get("format") or x.get("mediaType")
        ),
        files=tuple(
            _s(x.get("downloadURL") or x.get("accessURL")) for x in dists if x.get("downloadURL") or x.get("accessURL")
        ),
        frequency=_s(d.get("accrualPeriodicity")),
    )


def _dcat(payload: Any) -> tuple[list[Record], int]:
    """data.json (DCAT-US: {"dataset": […]}), a list of datasets (DKAN metastore), or JSON-LD (@graph)."""
    if isinstance(payload, list):
        items = payload
    elif "dataset" in payload and isinstance(payload["dataset"], list):
        items = payload["dataset"]
    else:
        graph = payload.get("@graph") or [payload]
        items = [n for n in graph if "Dataset" in " ".join(map(str, _as_list(n.get("@type"))))]
        for node in graph:  # a catalogue node listing its datasets inline
            for inner in _as_list(_strip(node).get("dataset")):
                if isinstance(inner, Mapping) and set(inner) - {"@id", "@type"}:  # not a bare reference
                    items.append(inner)
    records = [r for r in (_dcat_dataset(x) for x in items if isinstance(x, Mapping)) if r.title]
    return records, len(records)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _socrata(payload: Mapping[str, Any]) -> tuple[list[Record], int]:
    records = []
    for item in payload.get("results", []):
        res, cls = item.get("resource", {}), item.get("classification", {})
        records.append(
            Record(
                title=_s(res.get("name")),
                description=_s(res.get("description")),
                keywords=tuple(map(_s, cls.get("categories", []) + cls.get("tags", []))),
                licence=_s(item.get("metadata", {}).get("license")),
                publisher=_s(res.get("attribution")),
                modified=_s(res.get("updatedAt")),
                formats=("api",),
            )
        )
    return records, int(payload.get("resultSetSize") or len(records))


def _opendatasoft(payload: Mapping[str, Any]) -> tuple[list[Record], int]:
    records = []
    for item in payload.get("results", payload.get("datasets", [])):
        metas = (item.get("metas") or item.get("dataset", {}).get("metas") or {}).get("default", {})
        records.append(
            Record(
                title=_s(metas.get("title")),
                description=_s(metas.get("description")),
                keywords=tuple(map(_s, _as_list(metas.get("keyword")) + _as_list(metas.get("theme")))),
                licence=_s(metas.get("license")),
                publisher=_s(metas.get("publisher")),
                modified=_s(metas.get("modified")),
                formats=("csv", "json"),
            )
        )
    return records, int(payload.get("total_count") or payload.get("nhits") or len(records))


def _udata(payload: Mapping[str, Any]) -> tuple[list[Record], int]:
    records = []
    for d in payload.get("data", []):
        resources = d.get("resources", [])
        records.append(
            Record(
                title=_s(d.get("title")),
                description=_s(d.get("description")),
                keywords=tuple(map(_s, d.get("tags", []))),
                licence=_s(d.get("license")),
                publisher=_s(d.get("organization") or d.get("owner")),
                modified=_s(d.get("last_modified") or d.get("last_update")),
                formats=tuple(_s(r.get("format")) for r in resources if r.get("format")),
                files=tuple(_s(r.get("url")) for r in resources if r.get("url")),
                frequency=_s(d.get("frequency")),
            )
        )
    return records, int(payload.get("total") or len(records))


READERS = {
    "CKAN": _ckan,
    "DKAN": _dcat,
    "DCAT": _dcat,
    "Socrata": _socrata,
    "OpenDataSoft": _opendatasoft,
    "uData": _udata,
}


def api_query(platform: str, url: str) -> str:
    """The catalogue query to send, from a link to the platform's API seen on the site."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = parts.path
    if platform == "CKAN":
        base = path[: path.find("/api/")] if "/api/" in path else ""
        return f"{origin}{base}/api/3/action/package_search?{urlencode({'rows': ROWS})}"
    if platform == "DKAN":
        return f"{origin}/api/1/metastore/schemas/dataset/items"
    if platform == "Socrata":
        return f"{origin}/api/catalog/v1?{urlencode({'domains': parts.hostname or '', 'limit': ROWS})}"
    if platform == "OpenDataSoft":
        return f"{origin}/api/explore/v2.1/catalog/datasets?limit=100"
    if platform == "uData":
        return f"{origin}/api/1/datasets/?page_size=100"
    return url  # DCAT: the file itself


def api_links(site: SiteView) -> list[tuple[str, str]]:
    """(platform, query URL) for every catalogue API the site links to, nearest home first."""
    marks = signals("open_data_platforms")["platforms"]
    found: dict[str, str] = {}
    for page in site.ok_pages():
        for link in page.fetchable_links:
            path = urlsplit(link.url).path.lower()
            for platform, spec in marks.items():
                if any(mark.lower() in path for mark in spec.get("url_marks", ())):
                    found.setdefault(api_query(platform, link.url), platform)
    return [(p, u) for u, p in found.items()]


async def read_catalogue(site: SiteView, platform: str, url: str) -> Catalogue | str:
    """The catalogue, or why it could not be read."""
    snap = await site.fetch(url)
    if not snap.ok:
        return f"{url}: {snap.status} {snap.reason}".strip()
    body = snap.html or snap.text
    if not body:
        return f"{url}: the fetch kept no body ({snap.content_type or 'unknown type'})"
    try:
        payload = loads_bounded(body)
    except JSONTooDeep as exc:
        return f"{url}: {exc}"
    except ValueError:
        return f"{url}: not JSON ({snap.content_type})"
    try:
        records, total = READERS[platform](payload)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        return f"{url}: unexpected {platform} answer ({exc})"
    return Catalogue(platform, snap.final_url, tuple(r for r in records if r.title), total)


def _names(records: Iterable[Record], limit: int = 3) -> str:
    titles = [r.title for r in records]
    more = f" +{len(titles) - limit}" if len(titles) > limit else ""
    return "; ".join(titles[:limit]) + more


def file_subject(page: PageContent, link: Link) -> str:
    """What a linked data file is about: its link text and address, and the title of the page that lists
    it ("2014-15 Kindergarten Data | xls" on "Immunization Levels": files are listed on their topic's page)."""
    return f"{link.text} {slug_text(link.url)} {page.title}"


class OpenDataRule(RuleModule):
    id = "open-data-catalogue"
    version = "1.0"
    title = "Open-data catalogue: datasets per sector, budget, real-time, licence, metadata"
    informs = {
        INSTRUMENT: (
            "037",
            "038",
            "078",
            "303",
            "310",
            *(codes[1] for codes in SECTORS.values()),
            *(codes[2] for codes in SECTORS.values()),
        )
    }

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        problems = []
        for platform, url in api_links(site)[:3]:
            catalogue = await read_catalogue(site, platform, url)
            if isinstance(catalogue, Catalogue):
                if catalogue.records:
                    return self.from_catalogue(site.lexicons, catalogue)
                problems.append(f"{url}: no dataset listed")
            else:
                problems.append(catalogue)
        return self.from_files(site.lexicons, pages, problems)

    # --- from the catalogue API

    def from_catalogue(self, lexicons: Lexicons, cat: Catalogue) -> list[Observation]:
        n = len(cat.records)
        sample = f" (first {n} of {cat.total})" if cat.total > n else ""
        head = f"{cat.platform} {cat.url}: {cat.total} datasets{sample}"
        where = Evidence(url=cat.url, quote=head[:300])
        out = [self._obs("037", PRESENT, 0.95, [where], f"The {cat.platform} catalogue API answered: {head}.")]
        by_sector = {
            sector: [r for r in cat.records if matched_terms(lexicons, concept, r.text)]
            for sector, (concept, _, _) in SECTORS.items()
        }
        budget = [r for r in cat.records if matched_terms(lexicons, "budget_data", r.text)]
        counts = "; ".join(f"{s} {len(rs)}" for s, rs in by_sector.items())
        for sector, (_concept, code, budget_code) in SECTORS.items():
            found = by_sector[sector]
            quote = f"{head}; per sector: {counts}; {sector}: {len(found)}" + (f" ({_names(found)})" if found else "")
            ev = [Evidence(url=cat.url, quote=quote[:300]), *self._files(cat.url, found)]
            if found:
                out.append(self._obs(code, PRESENT, 0.9, ev, f"{len(found)} {sector} datasets in the catalogue."))
            else:
                out.append(self._obs(code, ABSENT, 0.8, ev, f"No {sector} dataset among {n} read{sample}."))
            sector_budget = [r for r in found if r in budget]
            value = PRESENT if sector_budget else ABSENT
            note = f"{len(sector_budget)} {sector} budget/expenditure datasets" + (
                f": {_names(sector_budget)}." if sector_budget else "."
            )
            out.append(self._obs(budget_code, value, 0.85 if sector_budget else 0.75, ev[:1], note))
        quote = f"{head}; budget/expenditure: {len(budget)}" + (f" ({_names(budget)})" if budget else "")
        ev = [Evidence(url=cat.url, quote=quote[:300]), *self._files(cat.url, budget)]
        out.append(self._obs("078", PRESENT if budget else ABSENT, 0.9 if budget else 0.8, ev, quote + "."))
        realtime = [
            r
            for r in cat.records
            if matched_terms(lexicons, "realtime_data", f"{r.text} {r.frequency}")
            or r.frequency.lower() in ("continuous", "realtime", "real-time", "r/pt1s", "r/pt1m", "r/pt1h")
        ]
        quote = f"{head}; real-time: {len(realtime)}" + (f" ({_names(realtime)})" if realtime else "")
        out.append(
            self._obs(
                "310",
                PRESENT if realtime else ABSENT,
                0.85 if realtime else 0.75,
                [Evidence(cat.url, quote=quote)],
                quote,
            )
        )
        licensed = [
            r for r in cat.records if r.licence and r.licence.lower() not in ("notspecified", "other-closed", "")
        ]
        licences = sorted({r.licence for r in licensed})
        quote = f"{head}; with a licence: {len(licensed)} ({', '.join(licences[:3])})"
        value = PRESENT if licensed and len(licensed) >= n / 2 else ABSENT
        out.append(
            self._obs("303", value, 0.9 if value == PRESENT else 0.7, [Evidence(cat.url, quote=quote[:300])], quote)
        )
        complete = sum(r.completeness() for r in cat.records) / n
        quote = f"{head}; metadata completeness {complete:.0%} ({', '.join(METADATA_FIELDS)})"
        value = PRESENT if complete >= COMPLETE_ENOUGH else ABSENT
        out.append(self._obs("038", value, 0.85 if value == PRESENT else 0.7, [Evidence(cat.url, quote=quote)], quote))
        return out

    @staticmethod
    def _files(base: str, records: list[Record]) -> list[Evidence]:
        """The first data file of the first datasets (relative file URLs resolved against the API's)."""
        return [Evidence(url=urljoin(base, r.files[0]), quote=r.title) for r in records[:2] if r.files]

    # --- without an API: the data files the pages link to

    def from_files(self, lexicons: Lexicons, pages: list[PageContent], problems: list[str]) -> list[Observation]:
        files: list[tuple[PageContent, Link]] = []
        seen: set[str] = set()
        for page in pages:
            for link in page.fetchable_links:
                if urlsplit(link.url).path.lower().endswith(DATA_EXTENSIONS) and link.url not in seen:
                    seen.add(link.url)
                    files.append((page, link))
        why = f" The catalogue API could not be read: {'; '.join(problems)}." if problems else ""
        out = []
        for sector, (concept, code, _budget) in SECTORS.items():
            hits = [(p, lk) for p, lk in files if matched_terms(lexicons, concept, file_subject(p, lk))]
            out.append(self._file_obs(code, hits, f"{sector} data files", len(files), why))
        budget = [
            (p, lk) for p, lk in files if matched_terms(lexicons, "budget_data", f"{lk.text} {slug_text(lk.url)}")
        ]
        out.append(self._file_obs("078", budget, "budget/expenditure data files", len(files), why))
        return out

    def _file_obs(
        self, code: str, hits: list[tuple[PageContent, Link]], what: str, total: int, why: str
    ) -> Observation:
        if hits:
            ev = [Evidence(url=lk.url, quote=lk.text, language=p.language, depth=p.depth + 1) for p, lk in hits[:2]]
            ev.append(evidence_from(hits[0][0], quote=f"{len(hits)} {what} of {total} data files linked"))
            return self._obs(code, PRESENT, 0.8, ev, f"{len(hits)} {what} linked.{why}")
        return self._obs(code, ABSENT, 0.7, [], f"No {what} among {total} data files linked.{why}")

    @staticmethod
    def _obs(code: str, value: str, confidence: float, evidence: list[Evidence], note: str) -> Observation:
        return Observation(value, confidence, tuple(evidence), note, questions={INSTRUMENT: (code,)})
