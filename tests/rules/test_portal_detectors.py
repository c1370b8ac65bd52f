"""The portal-wide detectors beyond the concept table, each on a page set with the feature and one
without, in English and French where words matter."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from email.utils import format_datetime

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.site import SiteConfig, SiteKind
from crawler.snapshot import PageSnapshot
from rules.detectors.advanced_search import AdvancedSearchRule
from rules.detectors.authentication import AuthenticationRule
from rules.detectors.chat import ChatbotRule, LiveChatRule
from rules.detectors.city_site import CitySiteRule, government_domain
from rules.detectors.dates import dates_in_text
from rules.detectors.helpdesk import HelpdeskPhoneRule
from rules.detectors.https import HttpsRule
from rules.detectors.languages import LanguagesRule
from rules.detectors.open_data import OpenDataRule
from rules.detectors.social import SocialMediaRule
from rules.detectors.updated import UpdatedRule
from rules.detectors.validity import CssValidityRule, MarkupValidityRule, WcagRule
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView
from tests.rules.helpers import BASE, doc, site_view, snap

LEXICONS = Lexicons.load(["en", "fr"])
SEARCH = '<form role="search" action="/search" method="get"><input type="search" name="q"></form>'


def site(rule: RuleModule, view: SiteView) -> list[Observation]:
    return list(asyncio.run(rule.check_site(view)))


def one(rule: RuleModule, view: SiteView) -> Observation:
    observations = site(rule, view)
    assert len(observations) == 1
    return observations[0]


def home(body: str, lang: str = "en", title: str = "Portal of the Republic", **fields: object) -> PageSnapshot:
    return snap("/", doc(title, body, lang), depth=0, **fields)


# --- other language ---------------------------------------------------------------------------


def view_with_languages(pages: list[PageSnapshot], languages: tuple[str, ...] = ("en",)) -> SiteView:
    view = site_view(pages)
    view.site = SiteConfig(name="t", start_urls=(BASE + "/",), languages=languages)
    return view


def test_pages_in_another_language() -> None:
    fr = snap("/fr/", doc("Portail", "<p>Bienvenue</p>", "fr"))
    obs = one(LanguagesRule(), view_with_languages([home('<a href="/fr/">Français</a>'), fr], ("en", "fr")))
    assert obs.value == PRESENT and obs.confidence >= 0.9 and obs.evidence[0].url == BASE + "/fr/"


def test_switcher_or_hreflang_without_crawled_pages() -> None:
    switcher = home('<a href="https://other.example/fr/">Français</a>')
    assert one(LanguagesRule(), view_with_languages([switcher])).value == PRESENT
    french_home = home('<a href="/en/">English</a>', "fr", "Portail")
    assert one(LanguagesRule(), view_with_languages([french_home], ("fr",))).value == PRESENT


def test_a_translations_menu_entry_is_content_in_other_languages() -> None:
    menu = home('<nav><a href="https://translations.gov.example/">Translations</a></nav>')
    obs = one(LanguagesRule(), view_with_languages([menu]))
    assert obs.value == PRESENT and obs.confidence >= 0.7 and "Translations" in obs.evidence[0].quote
    # a sentence about translation is not a menu entry
    prose = home('<a href="/guide">Read our guide to translations of legal terms</a>')
    assert one(LanguagesRule(), view_with_languages([prose])).value == ABSENT


def test_one_language_only() -> None:
    obs = one(LanguagesRule(), view_with_languages([home('<a href="/news">News</a>')], ("en", "fr")))
    assert obs.value == ABSENT


# --- social media -----------------------------------------------------------------------------


def test_social_media_accounts() -> None:
    obs = one(SocialMediaRule(), site_view([home('<a href="https://www.facebook.com/Gov">Facebook</a>')]))
    assert obs.value == PRESENT and "facebook.com" in obs.note


def test_a_video_in_an_article_is_not_the_portal_s_account() -> None:
    article = snap("/usage/addiction", doc("Story", '<p><a href="https://www.dailymotion.com/Drugs">Video</a></p>'))
    obs = one(SocialMediaRule(), site_view([home('<a href="/usage/addiction">Story</a>'), article]))
    assert obs.value == PRESENT and obs.confidence < 0.7
    footer = snap("/about", doc("About", '<footer><a href="https://twitter.com/Gov">Twitter</a></footer>'))
    assert one(SocialMediaRule(), site_view([home('<a href="/about">About</a>'), footer])).confidence >= 0.9


def test_share_buttons_are_not_accounts() -> None:
    share = '<a href="https://www.facebook.com/sharer/sharer.php?u=x">Partager</a>'
    share += '<a href="https://twitter.com/intent/tweet?url=x">Tweet</a>'
    assert one(SocialMediaRule(), site_view([home(share, "fr")])).value == ABSENT


# --- chat ---------------------------------------------------------------------------------------


def test_live_chat_widget_in_the_markup() -> None:
    page = home('<script async src="https://embed.tawk.to/abc/default"></script>')
    seen = list(LiveChatRule().check_page(PageView(page), LEXICONS))
    assert seen and seen[0].value == PRESENT and "tawk.to" in seen[0].note
    assert not list(ChatbotRule().check_page(PageView(page), LEXICONS))


def test_chatbot_fingerprint() -> None:
    page = home('<df-messenger agent-id="x" chat-title="Assistant"></df-messenger>')
    assert next(iter(ChatbotRule().check_page(PageView(page), LEXICONS))).value == PRESENT


def test_chat_link_in_french_and_absent() -> None:
    linked = one(LiveChatRule(), site_view([home('<a href="/tchat">Chat en direct</a>', "fr")]))
    assert linked.value == PRESENT
    assert one(LiveChatRule(), site_view([home("<p>Bonjour</p>", "fr")])).value == ABSENT
    assert not list(LiveChatRule().check_page(PageView(home("<script src='/app.js'></script>")), LEXICONS))


# --- advanced search ---------------------------------------------------------------------------


async def results_with_filters(url: str) -> PageSnapshot:
    form = (
        '<form role="search" action="/search" method="get"><input type="search" name="q">'
        '<select name="type"><option>News</option></select><input type="date" name="from"></form>'
    )
    return snap("/search?q=x", doc("Results", form))


async def plain_results(url: str) -> PageSnapshot:
    return snap("/search?q=x", doc("Results", SEARCH))


def test_advanced_search_link() -> None:
    obs = one(AdvancedSearchRule(), site_view([home(SEARCH + '<a href="/adv">Recherche avancée</a>', "fr")]))
    assert obs.value == PRESENT


def test_advanced_search_filters_on_the_results_page() -> None:
    obs = one(AdvancedSearchRule(), site_view([home(SEARCH)], fetch=results_with_filters))
    assert obs.value == PRESENT and "type" in obs.evidence[0].quote


def test_no_advanced_search() -> None:
    assert one(AdvancedSearchRule(), site_view([home(SEARCH)], fetch=plain_results)).value == ABSENT


# --- updated in the past month ----------------------------------------------------------------


class PinnedUpdated(UpdatedRule):
    today = staticmethod(lambda: date(2026, 3, 20))  # type: ignore[assignment]


def test_date_parser_en_fr() -> None:
    text = "Published 5 March 2026, updated March 7, 2026; mis à jour le 1er mars 2026 et le 12 févr. 2025; 2026-01-02"
    assert set(dates_in_text(text, LEXICONS)) == {
        date(2026, 3, 5),
        date(2026, 3, 7),
        date(2026, 3, 1),
        date(2025, 2, 12),
        date(2026, 1, 2),
    }


def test_updated_from_a_dated_page_in_french() -> None:
    news = snap("/actualites", doc("Actualités", "<p>Publié le 12 mars 2026</p>", "fr"))
    obs = one(PinnedUpdated(), site_view([home("<p>Bienvenue</p>", "fr"), news]))
    assert obs.value == PRESENT and obs.evidence[0].url == BASE + "/actualites"


def test_updated_is_judged_against_the_as_of_day() -> None:
    """A dated copy of a site: "updated in the past month" of the day the copy was made, not of today."""
    news = snap("/news", doc("News", "<p>Published 5 January 2016</p>"))
    view = site_view([home("<p>Welcome</p>"), news])
    assert one(PinnedUpdated(), view).value == ABSENT  # judged on 2026-03-20
    view.as_of = date(2016, 1, 11)
    obs = one(PinnedUpdated(), view)
    assert obs.value == PRESENT and "2016-01-05" in obs.note
    page = home('<time datetime="2016-01-05">then</time>')
    assert not list(PinnedUpdated().check_page(PageView(page), LEXICONS))
    assert next(iter(PinnedUpdated().check_page(PageView(page, as_of=date(2016, 1, 11)), LEXICONS))).value == PRESENT


def test_updated_from_a_time_element() -> None:
    page = home('<time datetime="2026-03-18">yesterday</time>')
    assert next(iter(PinnedUpdated().check_page(PageView(page), LEXICONS))).value == PRESENT


def test_last_modified_counts_unless_it_is_the_response_time() -> None:
    stamp = format_datetime(datetime(2026, 3, 10, 8, 0, tzinfo=UTC), usegmt=True)
    served = format_datetime(datetime(2026, 3, 20, 8, 0, tzinfo=UTC), usegmt=True)
    static = home("<p>Hi</p>", headers={"last-modified": stamp, "date": served})
    assert one(PinnedUpdated(), site_view([static])).value == PRESENT
    dynamic = home("<p>Hi</p>", headers={"last-modified": served, "date": served})
    assert one(PinnedUpdated(), site_view([dynamic])).confidence < 0.7


def test_old_content_is_not_updated() -> None:
    obs = one(PinnedUpdated(), site_view([home("<p>Last reviewed 3 January 2025</p>")]))
    assert obs.value == ABSENT and obs.confidence >= 0.7
    assert one(PinnedUpdated(), site_view([home("<p>Events on 2 April 2026</p>")])).value == ABSENT  # future


# --- authentication -----------------------------------------------------------------------------


def test_password_form_with_digital_id() -> None:
    login = snap(
        "/login",
        doc(
            "Sign in",
            '<p>Use your national digital ID.</p><form method="post" action="/login">'
            '<input name="user"><input type="password" name="pw"></form>',
        ),
    )
    obs = one(AuthenticationRule(), site_view([home('<a href="/login">Sign in</a>'), login]))
    assert obs.value == PRESENT and obs.confidence >= 0.9 and obs.evidence[0].url == BASE + "/login"


def test_national_eid_provider_link() -> None:
    link = '<a href="https://app.franceconnect.gouv.fr/api/v1/authorize?x=1">S\'identifier avec FranceConnect</a>'
    page = home(link, "fr")
    obs = one(AuthenticationRule(), site_view([page]))
    assert obs.value == PRESENT and "franceconnect" in obs.note


def test_federated_sign_in_form_without_password() -> None:
    form = (
        '<form method="post" action="https://my.agency.example/signin/authorize.php"><fieldset><legend>Sign-in</legend>'
        '<input type="text" name="openid_identifier"><input type="submit" value="Sign-In"></fieldset></form>'
    )
    obs = one(AuthenticationRule(), site_view([home(form)]))
    assert obs.value == PRESENT and obs.confidence >= 0.8 and "OpenID" in obs.note
    plain = '<form method="post" action="/subscribe"><input type="text" name="email"></form>'  # not a sign-in
    assert one(AuthenticationRule(), site_view([home(plain)])).value == ABSENT


def test_no_sign_in() -> None:
    assert one(AuthenticationRule(), site_view([home("<p>News</p>")])).value == ABSENT


# --- HTTPS and HSTS --------------------------------------------------------------------------------


def test_https_with_and_without_hsts() -> None:
    hsts = home("", final_url=BASE + "/", headers={"strict-transport-security": "max-age=31536000"})
    assert one(HttpsRule(), site_view([hsts])).confidence >= 0.95
    bare = one(HttpsRule(), site_view([home("", final_url=BASE + "/")]))
    assert bare.value == PRESENT and 0.7 <= bare.confidence < 0.95 and "no HSTS" in bare.note
    zero = home("", headers={"strict-transport-security": "max-age=0"})
    assert one(HttpsRule(), site_view([zero])).confidence < 0.95


def test_plain_http() -> None:
    plain = home("", requested_url="http://gov.example/", final_url="http://gov.example/")
    assert one(HttpsRule(), site_view([plain])).value == ABSENT


# --- validity and WCAG from audit results ---------------------------------------------------------


def audit(url: str, engine: str, rule: str, outcome: Outcome) -> AuditResult:
    nodes = (AuditNode("img", "<img>", "Element has no alt"),) if outcome is Outcome.FAILED else ()
    return AuditResult(url, engine, "1", rule, outcome, wcag=("1.1.1",), nodes=nodes)


def test_wcag_any_failure_is_no() -> None:
    page = home("<p>x</p>")
    view = site_view([page])
    view.audits_by_url = {page.final_url: [audit(page.final_url, "axe-core", "color-contrast", Outcome.PASSED)]}
    assert one(WcagRule(), view).value == PRESENT
    view.audits_by_url = {page.final_url: [audit(page.final_url, "axe-core", "image-alt", Outcome.FAILED)]}
    obs = one(WcagRule(), view)
    assert obs.value == ABSENT and "image-alt" in obs.note


def test_validity_reads_only_validator_results() -> None:
    page = home("<p>x</p>")
    view = site_view([page])
    view.audits_by_url = {page.final_url: [audit(page.final_url, "axe-core", "image-alt", Outcome.FAILED)]}
    assert site(MarkupValidityRule(), view) == [] and site(CssValidityRule(), view) == []
    view.audits_by_url = {page.final_url: [audit(page.final_url, "govaudit", "html-validity", Outcome.FAILED)]}
    assert one(MarkupValidityRule(), view).value == ABSENT
    assert site(CssValidityRule(), view) == []


def test_validity_is_decided_on_the_home_page() -> None:
    """The Survey validates the portal's home page: a failing inner page does not make it "absent"."""
    front = home("<p>x</p>")
    inner = snap("/about", doc("About", "<p>y</p>"), depth=1)
    view = site_view([front, inner])
    view.audits_by_url = {
        front.final_url: [audit(front.final_url, "govaudit", "html-validity", Outcome.PASSED)],
        inner.final_url: [audit(inner.final_url, "govaudit", "html-validity", Outcome.FAILED)],
    }
    obs = one(MarkupValidityRule(), view)
    assert obs.value == PRESENT and obs.note.startswith("The home page passes")
    view.audits_by_url = {inner.final_url: [audit(inner.final_url, "govaudit", "html-validity", Outcome.FAILED)]}
    assert site(MarkupValidityRule(), view) == []  # the home page was not validated: not_tested


# --- official city site and help-desk phone ------------------------------------------------------


def city_view(page: PageSnapshot) -> SiteView:
    view = site_view([page])
    view.site = SiteConfig(name="c", start_urls=(page.final_url,), kind=SiteKind.CITY_PORTAL)
    return view


def test_city_named_in_the_footer_on_a_government_domain() -> None:
    body = "<main>News</main><footer>© 2026 Ville de Port-Aldren, Hôtel de ville</footer>"
    page = snap(
        "/", doc("Ville de Port-Aldren — Accueil", body, "fr"), depth=0, final_url="https://portaldren.gouv.fr/"
    )
    obs = one(CitySiteRule(), city_view(page))
    assert obs.value == PRESENT and obs.confidence >= 0.9


def test_city_site_on_an_unofficial_domain_or_unnamed() -> None:
    body = "<footer>© City of Eastbrook</footer>"
    page = snap("/", doc("City of Eastbrook", body), depth=0, final_url="https://eastbrook-news.com/")
    assert one(CitySiteRule(), city_view(page)).confidence < 0.7
    unnamed = snap("/", doc("City of Eastbrook", "<footer>Powered by CMS</footer>"), depth=0)
    assert one(CitySiteRule(), city_view(unnamed)).value == ABSENT
    assert government_domain("127.0.0.1") is None and government_domain("www.nyc.gov") is True


def test_helpdesk_phone_on_the_contact_page() -> None:
    contact = snap("/fr/contact", doc("Nous contacter", "<p>Standard : 01 23 45 67 89</p>", "fr"))
    obs = one(HelpdeskPhoneRule(), site_view([home('<a href="/fr/contact">Contactez-nous</a>', "fr"), contact]))
    assert obs.value == PRESENT and obs.evidence[0].url == BASE + "/fr/contact"
    assert one(HelpdeskPhoneRule(), site_view([home('<a href="mailto:x@gov.example">Write</a>')])).value == ABSENT


def test_a_day_without_its_year_is_read_in_the_year_the_page_names() -> None:
    closed = home("<p>Recrutement 2026 : candidatures closes le 12 mars</p>", "fr")
    obs = one(PinnedUpdated(), site_view([closed]))
    assert obs.value == PRESENT and "2026-03-12" in obs.note
    # no year of its own: an undated day of an old page is not today's
    assert one(PinnedUpdated(), site_view([home("<p>Réunion le 12 mars</p>", "fr")])).value == ABSENT


# --- open data files ----------------------------------------------------------------------------


def test_data_files_take_the_topic_of_the_page_that_lists_them() -> None:
    files = '<a href="/docs/2015-kindergarten-data.xlsx">xls</a><a href="/docs/2014-kindergarten-data.xlsx">xls</a>'
    listed = snap("/levels", doc("Immunization Levels", f"<h1>Rates in Schools</h1>{files}"))
    view = site_view([home('<a href="/levels">Levels</a>'), listed])
    by_code = {o.questions["OSI-2024"][0]: o for o in site(OpenDataRule(), view)}
    assert by_code["099"].value == PRESENT and "2 health data files" in by_code["099"].note
    assert by_code["112"].value == ABSENT  # the heading's "Schools" is not the files' topic: the title is
    elsewhere = snap("/levels", doc("Downloads", files))
    view = site_view([home('<a href="/levels">Levels</a>'), elsewhere])
    assert {o.questions["OSI-2024"][0]: o for o in site(OpenDataRule(), view)}["099"].value == ABSENT
