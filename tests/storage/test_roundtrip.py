"""site → run → visits → audit results → findings → answers → reviews → load_run, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.site import SiteConfig, SiteKind
from crawler.snapshot import MAX_TEXT, FormField, FormSnapshot, Link, PageDigest, PageSnapshot, ScanStatus
from rules.findings import ABSENT, PRESENT, Evidence, Finding, SuggestedAnswer
from storage import DuplicateVisit, RunRecord, Store, models

SITE = SiteConfig(
    name="France national portal",
    start_urls=("https://www.service-public.fr/", "https://www.gouvernement.fr/"),
    country="FRA",
    kind=SiteKind.NATIONAL_PORTAL,
    domains=("www.service-public.fr", "www.gouvernement.fr"),
    languages=("fr", "en"),
    max_pages=150,
    max_depth=4,
    allow_private=True,
    extra={"contact": "webmaster@example.org"},
)

HOME = PageSnapshot(
    requested_url="https://www.service-public.fr/",
    final_url="https://www.service-public.fr/particuliers",
    depth=0,
    status=ScanStatus.OK,
    status_code=200,
    redirect_chain=("https://www.service-public.fr/", "https://www.service-public.fr/particuliers"),
    headers={"content-type": "text/html; charset=utf-8", "strict-transport-security": "max-age=63072000"},
    content_type="text/html",
    content_length=48213,
    content_hash="sha256:" + "ab" * 32,
    fetch_ms=123.5,
    render_ms=412.25,
    render_reason="script-heavy",
    html="<html lang=fr>…</html>",
    dom="<html lang=fr>…</html>",
    title="Service-Public.fr – Le site officiel de l’administration française",
    language="fr",
)
LOGIN = PageSnapshot(
    requested_url="https://www.service-public.fr/compte",
    final_url="https://www.service-public.fr/compte",
    depth=1,
    status=ScanStatus.LOGIN_WALL,
    status_code=401,
    reason="HTTP 401 with a login form",
    title="مرحبا 登录",  # non-Latin text must survive both backends
)

CONTRAST = AuditResult(
    page_url=HOME.final_url,
    engine="axe-core",
    engine_version="4.14.1",
    rule_id="color-contrast",
    outcome=Outcome.FAILED,
    wcag=("1.4.3",),
    impact="serious",
    description="Elements must meet minimum color contrast ratio thresholds",
    help_url="https://dequeuniversity.com/rules/axe/4.14/color-contrast",
    nodes=(
        AuditNode("main > p:nth-child(3)", "<p class=muted>Texte</p>", "contrast 2.9:1"),
        AuditNode("footer a:nth-child(12)", "<a href=/x>lien</a>"),
    ),
)
REGION = AuditResult(
    page_url=HOME.final_url,
    engine="axe-core",
    engine_version="4.14.1",
    rule_id="region",
    outcome=Outcome.NEEDS_REVIEW,
    is_wcag=False,
    reason="best practice",
)
NOT_RUN = AuditResult(
    page_url=HOME.final_url,
    engine="govaudit",
    engine_version="0.1.0",
    rule_id="reflow",
    outcome=Outcome.ERROR,
    wcag=("1.4.10",),
    reason="viewport resize timed out",
)

SEARCH = Finding(
    rule_id="osi.search",
    rule_version="1",
    instrument="OSI-2024",
    question="OSI-12",
    value=PRESENT,
    confidence=0.8333333333333334,  # an exact double: FLOAT must not round it on either backend
    evidence=(Evidence(HOME.final_url, "form[role=search]", "Rechercher", "fr", 0),),
)
FEEDBACK = Finding(
    rule_id="osi.feedback",
    rule_version="2",
    instrument="OSI-2024",
    question="OSI-31",
    value=ABSENT,
    confidence=0.5,
    note="no contact form within 3 clicks",
)
OPEN_DATA = Finding(
    rule_id="osi.open_data",
    rule_version="1",
    instrument="OSI-2024",
    question="OSI-40",
    value="information only",
    confidence=0.7,
    evidence=(Evidence("https://www.data.gouv.fr/", quote="Jeux de données"),),
)

ANSWERS = (
    SuggestedAnswer(
        instrument="OSI-2024",
        edition="2024",
        question="OSI-12",
        value=PRESENT,
        outcome=Outcome.PASSED,
        confidence=0.8333333333333334,
        rationale="a search form on the home page",
        evidence=SEARCH.evidence,
        findings=(SEARCH,),  # SEARCH is also recorded on its own: it must be linked, not copied
    ),
    SuggestedAnswer(
        instrument="OSI-2024",
        edition="2024",
        question="OSI-40",
        value=None,
        outcome=Outcome.NEEDS_REVIEW,
        confidence=0.4,
        rationale="open data portal linked but not classified",
        findings=(OPEN_DATA, FEEDBACK, OPEN_DATA),  # repeats and order survive
    ),
    SuggestedAnswer(
        instrument="OSI-2024",
        edition="2024",
        question="OSI-77",
        value=None,
        outcome=Outcome.NOT_TESTED,
        confidence=0.0,
        rationale="behind a login wall",
    ),
)


def test_full_round_trip(store: Store) -> None:
    before = datetime.now(UTC)
    site_id = store.registry.ensure(SITE)
    run_id = store.runs.start(site_id, {"engines": {"axe-core": "4.14.1"}, "max_pages": 150})

    home_id = store.visits.record(run_id, site_id, HOME)
    login_id = store.visits.record(run_id, site_id, LOGIN)
    audit_ids = store.audits.record(home_id, [CONTRAST, REGION, NOT_RUN])
    assert len(set(audit_ids)) == 3
    assert store.audits.record(login_id, []) == []

    [search_id, feedback_id] = store.findings.record(run_id, [SEARCH, FEEDBACK])
    answer_ids = store.answers.record(run_id, site_id, ANSWERS)
    assert len(set(answer_ids)) == 3

    alice = store.users.add("alice", "assessor", "argon2$alice", ["FRA", "BEL"])
    rita = store.users.add("rita", "reviewer", "argon2$rita", ["FRA"])
    first = store.reviews.add(answer_ids[1], alice, "assessor", "override", "full online application", "seen")
    second = store.reviews.add(answer_ids[1], rita, "reviewer", "accept")
    store.runs.finish(run_id, "completed", {"pages": 2, "errors": 0})

    run = store.runs.load(run_id)
    assert isinstance(run, RunRecord)
    assert run.id == run_id
    assert run.as_of is None  # a run started without --as-of by hand (the pipeline always gives one)
    assert run.site.id == site_id
    assert run.site.config == SITE
    assert run.status == "completed"
    assert run.settings == {"engines": {"axe-core": "4.14.1"}, "max_pages": 150}
    assert run.stats == {"pages": 2, "errors": 0}
    assert run.error == ""
    assert run.finished_at is not None
    assert before - timedelta(seconds=5) <= run.started_at <= run.finished_at <= datetime.now(UTC)
    assert run.started_at.tzinfo is not None

    home, login = run.visits
    assert (home.id, login.id) == (home_id, login_id)
    for visit, snap in ((home, HOME), (login, LOGIN)):
        assert visit.requested_url == snap.requested_url
        assert visit.final_url == snap.final_url
        assert visit.depth == snap.depth
        assert visit.status is snap.status
        assert visit.status_code == snap.status_code
        assert visit.reason == snap.reason
        assert visit.redirect_chain == snap.redirect_chain
        assert visit.headers == snap.headers
        assert visit.content_type == snap.content_type
        assert visit.content_length == snap.content_length
        assert visit.content_hash == snap.content_hash
        assert visit.fetch_ms == snap.fetch_ms
        assert visit.render_ms == snap.render_ms
        assert visit.render_reason == snap.render_reason
        assert visit.rendered == snap.rendered
        assert visit.title == snap.title
        assert visit.language == snap.language
        assert visit.fetched_at.tzinfo is not None
    assert home.rendered and not login.rendered
    assert home.audits == (CONTRAST, REGION, NOT_RUN)
    assert login.audits == ()
    assert run.audit_results == (CONTRAST, REGION, NOT_RUN)

    assert run.suggested_answers == ANSWERS
    assert [a.id for a in run.answers] == answer_ids
    searched, open_data, not_tested = run.answers
    assert searched.finding_ids == (search_id,)
    assert open_data.finding_ids[0] == open_data.finding_ids[2]
    assert open_data.finding_ids[1] == feedback_id
    assert not_tested.finding_ids == ()
    # SEARCH and FEEDBACK were stored once by record_findings; only OPEN_DATA was new.
    assert [f.finding for f in run.findings] == [SEARCH, FEEDBACK, OPEN_DATA]
    assert [r.id for r in open_data.reviews] == [first, second]
    assert open_data.latest_review is not None
    assert open_data.latest_review.user_name == "rita"
    assert open_data.latest_review.final_value is None  # accepted a suggestion that had no value
    assert run.answer_for("OSI-2024", "OSI-12") == searched
    assert run.answer_for("OSI-2024", "nope") is None


def test_a_visit_reads_back_as_its_digest_without_markup(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    run_id = store.runs.start(site_id, {})
    form = FormSnapshot("/recherche", "get", (FormField("q", "search", "Rechercher"),), role="search")
    full = PageSnapshot(
        requested_url=HOME.requested_url,
        final_url=HOME.final_url,
        depth=0,
        status=ScanStatus.OK,
        status_code=200,
        headers={"content-type": "text/html"},
        content_type="text/html",
        html="<html>…</html>",
        dom="<html>…</html>",
        title=HOME.title,
        language="fr",
        text="é" * (MAX_TEXT + 5),
        links=(Link("https://www.service-public.fr/a", "A", region="nav"),),
        forms=(form,),
        meta={"description": "d"},
        measurements={"overflow_375": 0.0},
        via="start",
    )
    store.visits.record(run_id, site_id, full)
    store.visits.record(run_id, site_id, LOGIN)
    home, login = store.visits.digests(run_id)
    assert isinstance(home, PageDigest) and not hasattr(home, "html") and not hasattr(home, "dom")
    assert home.rendered and not login.rendered  # the visit's own rendering, not a missing DOM
    assert home.text == full.text[:MAX_TEXT]
    assert (home.title, home.language, home.links, home.forms) == (full.title, "fr", full.links, (form,))
    assert (home.meta, home.measurements, home.via, home.status) == (
        full.meta,
        full.measurements,
        "start",
        ScanStatus.OK,
    )
    assert home.header("Content-Type") == "text/html" and home.ok and home.is_html
    assert (login.status, login.reason, login.title) == (LOGIN.status, LOGIN.reason, LOGIN.title)
    # With the markup the crawl kept apart, a full snapshot again (for a reader of markup).
    served = home.served("<p>served</p>")
    assert isinstance(served, PageSnapshot) and served.html == "<p>served</p>" and served.links == full.links


def test_ensure_site_updates_by_name(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    changed = SiteConfig(name=SITE.name, start_urls=("https://new.example.fr/",), country="FRA", max_pages=9)
    assert store.registry.ensure(changed) == site_id
    other = store.registry.ensure(SiteConfig(name="Belgium", start_urls=("https://belgium.be/",), country="BEL"))
    assert other != site_id
    record = store.registry.named(SITE.name)
    assert record is not None
    assert record.config == changed
    assert record.updated_at >= record.created_at
    assert store.registry.named("missing") is None


def test_ensure_site_rejects_bad_country(store: Store) -> None:
    with pytest.raises(ValueError, match="alpha-3"):
        store.registry.ensure(SiteConfig(name="x", start_urls=("https://x/",), country="France"))


def test_duplicate_visit_raises_and_keeps_the_first(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    run_id = store.runs.start(site_id, {})
    first = store.visits.record(run_id, site_id, HOME)
    with pytest.raises(DuplicateVisit) as caught:
        store.visits.record(run_id, site_id, HOME)
    assert caught.value.run_id == run_id
    assert HOME.requested_url in str(caught.value)
    # The failed attempt left nothing behind, and the store is still usable.
    assert [v.id for v in store.runs.load(run_id).visits] == [first]
    store.visits.record(run_id, site_id, LOGIN)


def test_a_runs_as_of_day_is_stored(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    run_id = store.runs.start(site_id, {}, date(2016, 1, 11))
    assert store.runs.load(run_id).as_of == date(2016, 1, 11)


def test_same_page_in_two_runs_is_one_page(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    run_1 = store.runs.start(site_id, {})
    run_2 = store.runs.start(site_id, {})
    store.visits.record(run_1, site_id, HOME)
    store.visits.record(run_2, site_id, HOME)
    [v1], [v2] = store.runs.load(run_1).visits, store.runs.load(run_2).visits
    assert v1.page_id == v2.page_id
    assert v1.id != v2.id


def test_long_urls_are_accepted(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    run_id = store.runs.start(site_id, {})
    url = "https://www.service-public.fr/search?q=" + "x" * 9000  # beyond a PostgreSQL b-tree entry
    store.visits.record(run_id, site_id, PageSnapshot(url, url, 1, ScanStatus.OK))
    assert store.runs.load(run_id).visits[0].requested_url == url


def test_visit_for_another_sites_run_is_refused(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    other = store.registry.ensure(SiteConfig(name="Belgium", start_urls=("https://belgium.be/",)))
    run_id = store.runs.start(site_id, {})
    with pytest.raises(ValueError, match="belongs to site"):
        store.visits.record(run_id, other, HOME)
    with pytest.raises(LookupError):
        store.visits.record(run_id + 100, site_id, HOME)


def test_finish_run_once_and_latest_run(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    assert store.runs.latest_id(SITE.name) is None
    first = store.runs.start(site_id, {})
    store.runs.finish(first, "completed", {"pages": 1})
    second = store.runs.start(site_id, {})
    assert store.runs.latest_id(SITE.name) == second
    assert store.runs.latest_id(SITE.name, status="completed") == first
    assert store.runs.latest_id("unknown site") is None
    with pytest.raises(ValueError, match="already completed"):
        store.runs.finish(first, "failed", {})
    with pytest.raises(ValueError):
        store.runs.finish(second, "running", {})
    with pytest.raises(LookupError):
        store.runs.finish(second + 100, "failed", {})
    store.runs.finish(second, "failed", {}, error="browser crashed")
    run = store.runs.load(second)
    assert (run.status, run.error) == ("failed", "browser crashed")
    with pytest.raises(LookupError):
        store.runs.load(second + 100)


def test_fingerprint_is_taken_from_the_first_node(store: Store) -> None:
    site_id = store.registry.ensure(SITE)
    run_id = store.runs.start(site_id, {})
    visit_id = store.visits.record(run_id, site_id, HOME)
    store.audits.record(visit_id, [CONTRAST, REGION])
    with store.transaction(readonly=True) as session:
        stored = session.scalars(select(models.AuditResultRow.fingerprint).order_by(models.AuditResultRow.id)).all()
    assert stored == [CONTRAST.fingerprint(CONTRAST.nodes[0]), REGION.fingerprint(None)]
    assert stored[0] != CONTRAST.fingerprint(None)
