"""Each detector on a page set where the feature is there and one where it is not."""

from __future__ import annotations

import asyncio

from crawler.snapshot import PageSnapshot, ScanStatus
from rules.detectors.contact import ContactRule
from rules.detectors.https import HttpsRule
from rules.detectors.privacy import PrivacyRule
from rules.detectors.responsive import ResponsiveRule
from rules.detectors.search import NONSENSE, SearchRule
from rules.detectors.sitemap import SitemapRule
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, RuleModule, SiteView
from tests.rules.helpers import BASE, doc, site_view, snap

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def run(rule: RuleModule, view: SiteView) -> Observation:
    observations = list(asyncio.run(rule.check_site(view)))
    assert len(observations) == 1
    return observations[0]


def home(body: str, lang: str = "en", **fields: object) -> PageSnapshot:
    return snap("/", doc("Portal of the Republic", body, lang, VIEWPORT), depth=0, **fields)


def test_contact_found_behind_a_contact_link() -> None:
    contact = snap("/contact", doc("Contact", '<p>Call <a href="tel:+15550100">+1 555 0100</a></p>'))
    obs = run(ContactRule(), site_view([home('<a href="/contact">Contact us</a>'), contact]))
    assert obs.value == PRESENT and obs.confidence >= 0.9
    assert obs.evidence[0].url == BASE + "/contact" and "+15550100" in obs.evidence[0].quote


def test_contact_in_french() -> None:
    contact = snap("/fr/contact", doc("Nous contacter", "<p>Écrivez à info@gouv.example</p>", "fr"))
    obs = run(ContactRule(), site_view([home('<a href="/fr/contact">Contactez-nous</a>', "fr"), contact]))
    assert obs.value == PRESENT and "info@gouv.example" in obs.evidence[0].quote


def test_contact_from_a_north_american_phone_in_the_footer() -> None:
    footer = "<footer>Department of Corrections | PO Box 99 | Huntsville, Texas 77342 | (936) 295-6371</footer>"
    obs = run(ContactRule(), site_view([home('<a href="https://directory.gov.example/">Contact</a>' + footer)]))
    assert obs.value == PRESENT and obs.confidence >= 0.7 and "(936) 295-6371" in obs.evidence[0].quote
    dated = "<footer>Updated 2021-04-30, 1,250 visitors</footer>"  # dates and counts are not phone numbers
    link = '<a href="https://x.gov.example/">Contact</a>'
    assert run(ContactRule(), site_view([home(link + dated)])).confidence < 0.7


def test_contact_absent() -> None:
    obs = run(ContactRule(), site_view([home('<a href="/news">News</a>')]))
    assert obs.value == ABSENT


def test_contact_link_without_details_needs_review() -> None:
    contact = snap("/contact", doc("Contact", "<p>Use the form below.</p>"))
    obs = run(ContactRule(), site_view([home('<a href="/contact">Contact</a>'), contact]))
    assert obs.value == PRESENT and obs.confidence < 0.7


def test_privacy_statement_confirmed_by_its_page() -> None:
    privacy = snap("/privacy", doc("Privacy notice", "<h1>Privacy notice</h1><p>We process personal data…</p>"))
    obs = run(PrivacyRule(), site_view([home('<a href="/privacy">Privacy</a>'), privacy]))
    assert obs.value == PRESENT and obs.confidence >= 0.9


def test_an_article_about_privacy_is_not_the_privacy_statement() -> None:
    story = snap("/blog/x", doc("Privacy in the age of platforms", "<h1>Privacy in the age of platforms</h1>"))
    link = '<a href="/blog/x">event 2023-09-28 Privacy in the age of platforms</a>'
    assert run(PrivacyRule(), site_view([home(link), story])).value == ABSENT


def test_privacy_section_of_the_legal_notice() -> None:
    legal = snap("/cgu", doc("Mentions légales", "<h2>Traitement des données à caractère personnel</h2>", "fr"))
    obs = run(PrivacyRule(), site_view([home('<footer><a href="/cgu">Mentions légales / CGU</a></footer>'), legal]))
    assert obs.value == PRESENT and obs.confidence >= 0.7 and obs.evidence[0].url == BASE + "/cgu"


def test_privacy_absent() -> None:
    assert run(PrivacyRule(), site_view([home('<a href="/about">About</a>')])).value == ABSENT


def test_sitemap_page_needs_many_links() -> None:
    links = "".join(f'<a href="/p{i}">Page {i}</a>' for i in range(20))
    full = snap("/sitemap", doc("Site map", links))
    obs = run(SitemapRule(), site_view([home('<a href="/sitemap">Site map</a>'), full]))
    assert obs.value == PRESENT and obs.confidence >= 0.9
    thin = snap("/sitemap", doc("Site map", '<a href="/p1">One</a>'))
    assert run(SitemapRule(), site_view([home('<a href="/sitemap">Site map</a>'), thin])).confidence < 0.7


def test_section_links_whose_pages_were_not_reached() -> None:
    """A footer link named "Site Map" or "Privacy Policy" whose page the crawl never read is the site's
    own section (decided, less surely); a link that only mentions the word, or sits in an article, is not."""
    footer = '<a href="https://www.gov.example/misc/415.htm">Privacy Policy</a> <a href="/subject/">Subject Index</a>'
    privacy = run(PrivacyRule(), site_view([home(footer)]))
    sitemap = run(SitemapRule(), site_view([home(footer)]))
    assert privacy.value == sitemap.value == PRESENT
    assert 0.7 <= privacy.confidence < 0.9 and 0.7 <= sitemap.confidence < 0.9
    mention = '<a href="/blog/p">Privacy tips for parents of teens</a>'
    assert run(PrivacyRule(), site_view([home(mention)])).confidence < 0.7
    in_article = '<article><a href="/subject/">Subject index</a></article>'
    assert run(SitemapRule(), site_view([home(in_article)])).confidence < 0.7


def test_sitemap_xml_alone_is_not_a_page_for_people() -> None:
    obs = run(SitemapRule(), site_view([home('<a href="/sitemap.xml">Sitemap</a>')]))
    assert obs.value == ABSENT


def test_https_from_the_final_url() -> None:
    secure = home("", final_url="https://gov.example/", headers={"strict-transport-security": "max-age=1"})
    obs = run(HttpsRule(), site_view([secure]))
    assert obs.value == PRESENT and "HSTS" in obs.note
    plain = home("", final_url="http://gov.example/")
    assert run(HttpsRule(), site_view([plain])).value == ABSENT


def test_responsive_needs_viewport_and_no_overflow() -> None:
    fits = home("", measurements={"overflow_375": 0.0})
    assert run(ResponsiveRule(), site_view([fits])).value == PRESENT
    overflows = home("", measurements={"overflow_375": 400.0})
    assert run(ResponsiveRule(), site_view([overflows])).value == ABSENT
    no_meta = snap("/", doc("Home", ""), depth=0, measurements={"overflow_375": 0.0})
    assert run(ResponsiveRule(), site_view([no_meta])).value == ABSENT


def test_responsive_is_decided_by_the_home_page_and_most_pages_not_one_odd_page() -> None:
    """One inner page that scrolls sideways (a script-filled page left empty) does not make a portal whose
    home page and other pages fit 375 px unfriendly; the home page overflowing, or most pages, does."""

    def inner(path: str, overflow: float) -> PageSnapshot:
        return snap(path, doc("Page", "", head=VIEWPORT), measurements={"overflow_375": overflow})

    fits = home("", measurements={"overflow_375": 0.0})
    odd = [fits, inner("/a", 0.0), inner("/b", 128.0), inner("/c", 0.0), inner("/d", 0.0)]
    obs = run(ResponsiveRule(), site_view(odd))
    assert obs.value == PRESENT and 0.7 <= obs.confidence < 0.9 and "/b scrolls 128 px" in obs.note
    most = [fits, inner("/a", 50.0), inner("/b", 128.0), inner("/c", 0.0), inner("/d", 90.0)]
    assert run(ResponsiveRule(), site_view(most)).value == ABSENT
    wide_home = home("", measurements={"overflow_375": 200.0})
    assert run(ResponsiveRule(), site_view([wide_home, inner("/a", 0.0), inner("/c", 0.0)])).value == ABSENT


def test_responsive_without_a_render_reads_the_viewport_meta() -> None:
    obs = run(ResponsiveRule(), site_view([home("")]))
    assert obs.value == PRESENT and 0.7 <= obs.confidence < 0.9 and "not rendered" in obs.note
    no_meta = snap("/", doc("Home", ""), depth=0)
    assert run(ResponsiveRule(), site_view([no_meta])).value == ABSENT


SEARCH_FORM = '<form role="search" action="/search"><input type="search" name="q"></form>'


def search_site(results_for_word: str) -> tuple[SiteView, list[str]]:
    asked: list[str] = []
    pages = [
        home(SEARCH_FORM + '<a href="/health">Health services</a>'),
        snap("/health", doc("Health services", "")),
        snap("/tax", doc("Tax services", "")),
    ]

    async def fetch(url: str) -> PageSnapshot:
        asked.append(url)
        body = results_for_word if NONSENSE not in url else "<p>No results</p>"
        return snap("/search", doc("Search", '<a href="/">Home</a>' + body))

    return site_view(pages, fetch), asked


def test_search_is_run_for_real_and_results_count() -> None:
    view, asked = search_site('<a href="/health">Health services</a><a href="/tax">Tax services</a>')
    obs = run(SearchRule(), view)
    assert obs.value == PRESENT and obs.confidence >= 0.9
    assert asked[0] == BASE + "/search?q=services"  # a word the site's titles use
    assert any(NONSENSE in url for url in asked)


def test_search_form_that_finds_nothing_goes_to_review() -> None:
    view, _ = search_site("<p>No results</p>")
    obs = run(SearchRule(), view)
    assert obs.value == PRESENT and obs.confidence < 0.7


def test_no_search_form_means_absent() -> None:
    assert run(SearchRule(), site_view([home('<a href="/a">A</a>')])).value == ABSENT


def test_a_search_form_on_another_host_counts_where_it_posts() -> None:
    """A header search box whose form sends to the department's search host (findit.…): recognised by
    its query field; its results cannot be fetched here, so it is present without having been run."""
    form = (
        '<form method="get" action="https://findit.gov.example/search" name="gs">'
        '<input type="text" name="query" id="search-field-input"><button type="submit">Search</button></form>'
    )

    async def offline(url: str) -> PageSnapshot:
        return snap("/x", "", status=ScanStatus.BLOCKED, reason="out of scope")

    obs = run(SearchRule(), site_view([home(form)], offline))
    assert obs.value == PRESENT and 0.7 <= obs.confidence < 0.95 and "findit.gov.example" in obs.note


def test_a_search_box_run_by_script_is_recognised_by_its_label() -> None:
    for body in (
        '<header><input class="search-box" placeholder="Search" onchange="search(this)"></header>',
        '<header><button type="button" aria-label="Suche öffnen"></button></header>',
    ):
        view = site_view([home(body)])
        view.lexicons = Lexicons.load(["en", "de"])
        obs = run(SearchRule(), view)
        assert obs.value == PRESENT and "script" in obs.note, body
    assert run(SearchRule(), site_view([home('<button type="button" aria-label="Menu"></button>')])).value == ABSENT


def test_the_city_search_must_be_on_the_home_page() -> None:
    """LOSI #206 is a search bar on the home page; OSI #003 any search of the portal."""
    view, _ = search_site('<a href="/health">Health services</a>')
    view.pages[0] = home('<a href="/health">Health services</a><a href="/tax">Tax</a>')
    view.pages[1] = snap("/health", doc("Health services", SEARCH_FORM))
    observations = list(asyncio.run(SearchRule().check_site(view)))
    by_code = {code: o for o in observations for codes in (o.questions or {}).values() for code in codes}
    assert by_code["206"].value == ABSENT and by_code["003"].value == PRESENT
