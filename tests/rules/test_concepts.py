"""The concept pack (rules/packs/concepts.yaml), read by one detector: every row on a page set that has
the feature and one that does not, in English and in French; structure above running text; negative
context; the trail of an "absent"; a plugin's pack."""

from __future__ import annotations

import asyncio
import dataclasses
from importlib import metadata

import pytest

from crawler.snapshot import PageSnapshot, ScanStatus
from rules.detectors.concepts import (
    ConceptPackRule,
    Feature,
    PackError,
    builtin_pack,
    load_features,
    parse_pack,
    place_names,
)
from rules.findings import ABSENT, PRESENT
from rules.instruments import load_instrument
from rules.lexicon import Lexicons, fold, load_lexicon
from rules.module import Observation, PageView
from tests.rules.helpers import BASE, doc, read_back, site_view, snap

LEXICONS = Lexicons.load(["en", "fr"])
FEATURES = load_features()
CONTACTS = "".join(f'<a href="mailto:head{i}@gov.example">head{i}@gov.example</a> ' for i in range(4))
UNRELATED = "<p>Welcome. Opening hours are Monday to Friday.</p>"


RULE = ConceptPackRule([builtin_pack()])


def observe(row: str, pages: list[PageSnapshot], rule: ConceptPackRule = RULE) -> Observation:
    """The answer the decider would give for one row: a page-level sighting beats the site-level verdict."""
    rule_id = f"concept-{row}"
    page_level = [o for p in pages for o in rule.check_page(PageView(p), LEXICONS) if o.rule_id == rule_id]
    site_level = [o for o in asyncio.run(rule.check_site(site_view(pages))) if o.rule_id == rule_id]
    assert len(site_level) == 1
    return max([*page_level, *site_level], key=lambda o: (o.value != ABSENT, o.confidence))


def feature_page(feature: Feature, language: str) -> tuple[list[PageSnapshot], str]:
    """A home page and a page that has the feature, named the way the row's first place reads it."""
    terms = load_lexicon(language).terms(feature.concepts[0])
    assert terms, f"{feature.id}: no {language} term for {feature.concepts[0]}"
    term = terms[0]
    extra = CONTACTS * bool(feature.contacts_min)
    extra += "".join(f"<p>{load_lexicon(language).terms(c)[0]}</p>" for c in feature.requires)
    place = feature.look_in[0]
    if feature.within:  # a link under a heading that names the section (a guide listed under "FAQ")
        section = load_lexicon(language).terms(feature.within)[0]
        body = f'<section><h2>{section}</h2><ul><li><a href="/guide.pdf">{term}</a></li></ul></section>'
        page = snap("/feature", doc("Page", body + extra, language))
    elif feature.min_terms > 1 and place == "headings":  # the parts of a whole, a heading each
        body = "".join(f"<h2>{t}</h2><p>Details.</p>" for t in terms[: feature.min_terms + 1])
        page = snap("/feature", doc("Page", body + extra, language))
    elif feature.min_terms > 1:
        body = "<ul>" + "".join(f"<li>{t}</li>" for t in terms[: feature.min_terms + 1]) + "</ul>"
        page = snap("/feature", doc("Page", body + extra, language))
    elif place == "title":
        page = snap("/feature", doc(term, f"<p>{term}</p>{extra}", language))
    elif place == "headings":
        page = snap("/feature", doc("Page", f"<h2>{term}</h2>{extra}", language))
    elif place == "text" and feature.near:  # the required concepts in the same sentence as the term
        named = " ".join(load_lexicon(language).terms(c)[0] for c in feature.requires)
        page = snap("/feature", doc("Page", f"<p>Read about the {term} of the {named} here.</p>", language))
    elif place == "text":
        page = snap("/feature", doc("Page", f"<p>Read about the {term} here.</p>{extra}", language))
    else:  # link: the home page links to it with the term as link text
        page = snap("/feature", doc("Page", f"<p>Details.</p>{extra}", language))
    home = snap("/", doc("Portal", f'<a href="/feature">{term}</a><a href="/other">Other</a>', language), depth=0)
    return [home, page], term


@pytest.mark.parametrize("feature", FEATURES, ids=[f.id for f in FEATURES])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_row_finds_the_feature(feature: Feature, language: str) -> None:
    pages, _term = feature_page(feature, language)
    obs = observe(feature.id, pages)
    assert obs.value == PRESENT, obs.note
    assert obs.confidence >= 0.7
    assert obs.evidence[0].url.startswith(BASE)


PAGE_LEVEL = [f for f in FEATURES if f.within or f.look_in[0] == "headings"]


@pytest.mark.parametrize("feature", PAGE_LEVEL, ids=[f.id for f in PAGE_LEVEL])
def test_a_page_read_back_from_the_store_without_its_markup_answers_as_crawled(feature: Feature) -> None:
    """Headings, and the links under a heading, are the crawler's parse, kept in the page's digest."""
    page = feature_page(feature, "en")[0][1]
    crawled = [o for o in RULE.check_page(PageView(page), LEXICONS) if o.rule_id == f"concept-{feature.id}"]
    stored = [o for o in RULE.check_page(PageView(read_back(page)), LEXICONS) if o.rule_id == f"concept-{feature.id}"]
    assert crawled and stored == crawled


@pytest.mark.parametrize("feature", FEATURES, ids=[f.id for f in FEATURES])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_row_says_absent_without_it(feature: Feature, language: str) -> None:
    home = snap("/", doc("Portal", UNRELATED + '<a href="/other">Other</a>', language), depth=0)
    other = snap("/other", doc("Opening hours", UNRELATED, language))
    obs = observe(feature.id, [home, other])
    assert obs.value == ABSENT and obs.confidence >= 0.7, obs.note


def test_one_detector_is_registered_and_every_row_informs_real_codes() -> None:
    registered = {e.name: e.value for e in metadata.entry_points(group="govaudit.rules")}
    assert registered.get("concept-pack") == "rules.detectors.concepts:ConceptPackRule"
    assert not {n for n in registered if n.startswith("concept-")} - {"concept-pack"}
    known = {key: {q.code for q in load_instrument(key).questions} for key in ("OSI-2024", "LOSI-2024")}
    for feature in FEATURES:
        for key, codes in feature.informs.items():
            assert set(codes) <= known[key], (feature.id, key, codes)
            assert set(codes) <= set(RULE.informs[key])


def test_every_concept_has_terms_in_both_languages() -> None:
    for feature in FEATURES:
        for concept in (*feature.concepts, *feature.requires):
            for language in ("en", "fr"):
                assert load_lexicon(language).terms(concept), (feature.id, concept, language)


# --- rows on realistic pages ------------------------------------------------------------------


def test_ministry_links_in_french() -> None:
    home = snap(
        "/fr/",
        doc("Portail", '<a href="https://sante.gouv.example/">Ministère de la Santé et de la Prévention</a>', "fr"),
        depth=0,
    )
    assert observe("ministry-health", [home]).value == PRESENT
    assert observe("ministry-justice", [home]).value == ABSENT


def test_a_department_s_own_site_named_in_its_footer_is_the_ministry() -> None:
    footer = "<footer>Site Policies | Texas Department of Criminal Justice | PO Box 99 | Huntsville</footer>"
    home = snap("/", doc("Death Row Information", f"<p>Offenders.</p>{footer}"), depth=0)
    obs = observe("ministry-justice", [home])
    assert obs.value == PRESENT and obs.confidence >= 0.7 and "cue: owner" in obs.note
    assert observe("ministry-health", [home]).value == ABSENT


def test_a_ministry_named_inside_a_footer_sentence_is_not_the_owner() -> None:
    footer = "<footer>Crime statistics on this site come from reports to the Department of Justice each year</footer>"
    home = snap("/", doc("City statistics", f"<p>Tables.</p>{footer}"), depth=0)
    assert observe("ministry-justice", [home]).value == ABSENT


def test_a_link_whose_page_the_crawl_did_not_read_still_names_the_feature() -> None:
    """The directory's page redirected to a host out of scope (blocked): the link is a link not followed;
    a page the site failed to serve (404) leads nowhere."""
    home = snap("/", doc("Portal", '<a href="/agencies">Government Agencies</a>'), depth=0)
    blocked = snap("/agencies", "", status=ScanStatus.BLOCKED_ADDRESS, title="")
    missing = snap("/agencies", "", status=ScanStatus.HTTP_ERROR, status_code=404, title="")
    obs = observe("agency-links", [home, blocked])
    assert obs.value == PRESENT and "link_unreached" in obs.note
    assert observe("agency-links", [home, missing]).value == ABSENT


def test_heads_of_agencies_need_their_contacts() -> None:
    listed = snap("/ministers", doc("Ministers", f"<h1>Ministers</h1><p>Dr A. Koval, Minister of Health</p>{CONTACTS}"))
    bare = snap("/ministers", doc("Ministers", "<h1>Ministers</h1><p>Dr A. Koval, Minister of Health</p>"))
    home = snap("/", doc("Portal", '<a href="/ministers">Ministers</a>'), depth=0)
    assert observe("heads-of-agencies", [home, listed]).value == PRESENT
    assert observe("heads-of-agencies", [home, bare]).value == ABSENT


def test_procurement_page_in_french() -> None:
    page = snap(
        "/fr/marches",
        doc("Marchés publics", "<h2>Appels d'offres en cours</h2><h2>Marchés attribués</h2>", "fr"),
    )
    home = snap("/fr/", doc("Portail", '<a href="/fr/marches">Marchés publics</a>', "fr"), depth=0)
    assert observe("procurement-notices", [home, page]).value == PRESENT
    assert observe("procurement-results", [home, page]).value == PRESENT
    assert observe("usage-statistics", [home, page]).value == ABSENT


def test_a_statistics_office_is_not_usage_statistics() -> None:
    home = snap("/", doc("Portal", '<a href="/stats-office">National Statistics Office</a>'), depth=0)
    assert observe("usage-statistics", [home]).value == ABSENT


def test_service_catalogue_needs_details_not_a_word() -> None:
    detailed = snap(
        "/parking",
        doc("Parking permit", "<h2>Documents</h2><h2>Fee and processing time</h2><h2>How to apply</h2>"),
    )
    thin = snap("/parking", doc("Parking permit", "<p>Apply at City Hall. A fee applies.</p>"))
    home = snap("/", doc("City", '<a href="/parking">Parking permit</a>'), depth=0)
    assert observe("service-catalogue", [home, detailed]).value == PRESENT
    assert observe("service-catalogue", [home, thin]).value == ABSENT


def test_open_data_metadata_must_be_on_an_open_data_page() -> None:
    table = "<table><tr><th>Publisher</th><th>Last updated</th><th>Licence</th></tr></table>"
    on_data = snap("/data", doc("Open data", f"<h1>Open data</h1>{table}"))
    elsewhere = snap("/report", doc("Annual report", table))
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    assert observe("open-data-metadata", [home, on_data]).value == PRESENT
    assert observe("open-data-metadata", [home, elsewhere]).value == ABSENT


def test_a_link_whose_page_was_not_crawled_is_weaker() -> None:
    home = snap("/", doc("Portal", '<a href="/org">Organisation chart</a>'), depth=0)
    obs = observe("org-chart", [home])
    assert obs.value == PRESENT and obs.confidence == 0.75
    assert obs.evidence[0].url == BASE + "/"


# --- structure, negative context, the trail of an absent, plugin packs --------------------------------


def test_a_navigation_link_weighs_more_than_a_link_in_running_text() -> None:
    target = snap("/org", doc("Page", "<p>Details.</p>"))
    in_nav = snap("/", doc("Portal", '<nav><a href="/org">Organization chart</a></nav>'), depth=0)
    in_article = snap("/", doc("Portal", '<article><a href="/org">Organization chart</a></article>'), depth=0)
    nav_obs, article_obs = observe("org-chart", [in_nav, target]), observe("org-chart", [in_article, target])
    assert nav_obs.value == article_obs.value == PRESENT
    assert nav_obs.confidence > article_obs.confidence
    assert "cue: nav_link" in nav_obs.note and "weaker: article" in article_obs.note


def test_a_document_title_or_a_headline_is_weaker_than_a_section_link() -> None:
    home = snap("/", doc("Portal", '<a href="/files/petition-guide.pdf">Sample Petitions</a>'), depth=0)
    headline = snap(
        "/",
        doc("Portal", '<a href="/x">Minister opens new consultation on petitions for the coming year</a>'),
        depth=0,
    )
    section = snap("/", doc("Portal", '<nav><a href="/x">Petitions</a></nav>'), depth=0)
    document = observe("e-petitions", [home])
    assert "document" in document.note
    assert document.confidence < observe("e-petitions", [section]).confidence
    assert observe("e-petitions", [headline]).confidence < observe("e-petitions", [section]).confidence


def test_a_dated_news_item_names_a_topic_not_a_section() -> None:
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    news = snap("/2017/12/05/open-data", doc("Open data", "<h1>Open data</h1>"))
    section = snap("/open-data", doc("Open data", "<h1>Open data</h1>"))
    dated, undated = observe("open-data-portal", [home, news]), observe("open-data-portal", [home, section])
    assert dated.confidence < undated.confidence


def test_a_navigation_link_to_a_government_data_host_is_the_open_data_portal() -> None:
    nav = '<nav><a href="https://health.data.ca.gov/">Quick links: Portal</a></nav>'
    home = snap("/", doc("Department of Health", nav), depth=0)
    obs = observe("open-data-portal", [home])
    assert obs.value == PRESENT and obs.confidence >= 0.8 and "data host" in obs.note
    story = '<article><a href="https://data.gov.tw/">the national platform</a></article>'  # an article's link
    other = snap("/blog/story", doc("A story", story))
    assert observe("open-data-portal", [snap("/", doc("Portal", "<p>x</p>"), depth=0), other]).value == ABSENT
    commercial = '<nav><a href="https://data.example.com/">Data</a></nav>'  # not a government host
    assert observe("open-data-portal", [snap("/", doc("Portal", commercial), depth=0)]).value == ABSENT


def test_a_sector_named_link_to_another_government_site_is_the_ministry_link() -> None:
    directory = '<ul><li><a href="https://www.dss.cahwnet.gov/">Social Services</a></li></ul>'
    obs = observe("ministry-social", [snap("/", doc("Health and Human Services", directory), depth=0)])
    assert obs.value == PRESENT and obs.confidence >= 0.8 and "dss.cahwnet.gov" in obs.note
    own = '<ul><li><a href="https://www.gov.example/social">Social Services</a></li></ul>'  # the site's own section
    assert observe("ministry-social", [snap("/", doc("Portal", own), depth=0)]).value == ABSENT
    copy = '<a href="https://www.state.gov/health/">Health</a>' + '<a href="https://www.state.gov/x">X</a>' * 3
    assert observe("ministry-social", [snap("/", doc("Portal", copy), depth=0)]).value == ABSENT  # its own domain
    assert observe("ministry-health", [snap("/", doc("Portal", copy), depth=0)]).value == ABSENT
    story = '<article><a href="https://www.dss.cahwnet.gov/">Social Services</a></article>'
    assert observe("ministry-social", [snap("/", doc("Portal", story), depth=0)]).value == ABSENT


def test_absent_says_what_was_searched_and_where() -> None:
    home = snap("/", doc("Portal", UNRELATED + '<a href="/org-offices">Offices</a>'), depth=0)
    near = snap("/org-offices", doc("Regional offices", UNRELATED))
    other = snap("/hours", doc("Opening hours", UNRELATED))
    obs = observe("org-chart", [home, near, other])
    assert obs.value == ABSENT
    assert "Searched 3 pages" in obs.note and "“organization chart”" in obs.note.lower()
    urls = [e.url for e in obs.evidence]
    assert urls[0] == BASE + "/" and BASE + "/org-offices" in urls and BASE + "/hours" not in urls
    assert all(e.quote.startswith("searched:") for e in obs.evidence)


def test_a_plugins_pack_adds_a_row_and_its_own_terms() -> None:
    plugin = parse_pack(
        {
            "id": "ministry-x",
            "cues": {"title": 0.95},
            "terms": {"fisheries_licences": {"en": ["fishing licence"], "fr": ["permis de pêche"]}},
            "features": [
                {"id": "fishing-licence", "informs": {"OSI-2024": ["151"]}, "concepts": ["fisheries_licences"],
                 "look_in": ["title"]},
            ],
        },
        "plugin.yaml",
    )  # fmt: skip
    rule = ConceptPackRule([builtin_pack(), plugin])
    assert "151" in rule.informs["OSI-2024"]
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    page = snap("/peche", doc("Permis de pêche", "<p>Demande</p>", "fr"))
    found = observe("fishing-licence", [home, page], rule)
    assert found.value == PRESENT and found.confidence == 0.95 and found.questions == {"OSI-2024": ("151",)}
    assert observe("fishing-licence", [home], rule).value == ABSENT
    with pytest.raises(PackError, match="unknown cues"):
        parse_pack({"cues": {"footer_word": 1.0}, "features": []}, "bad.yaml")


def test_the_absent_answer_carries_its_trail_to_the_report_and_the_review_app() -> None:
    from rules.decide import decide
    from rules.engine import fan_out
    from rules.instruments import load_instrument

    home = snap("/", doc("Portal", UNRELATED + '<a href="/org-offices">Offices</a>'), depth=0)
    near = snap("/org-offices", doc("Regional offices", UNRELATED))
    findings = fan_out(RULE, asyncio.run(RULE.check_site(site_view([home, near]))), ["OSI-2024"])
    [answer] = [a for a in decide(load_instrument("OSI-2024"), findings, set()) if a.question == "010"]
    assert answer.value == ABSENT and answer.searched_count == 2
    assert answer.searched == (BASE + "/", BASE + "/org-offices")
    assert "organization chart" in [t.lower() for t in answer.terms]


# --- real-site wording and structure (issue 17): the cases the development set showed --------------


def test_links_to_other_government_sites_are_links_to_agencies() -> None:
    footer = "".join(
        f'<a href="https://{host}/">{name}</a>'
        for host, name in (("www.usa.gov", "USA.gov"), ("www.whitehouse.gov", "White House"), ("usaid.gov", "USAID"))
    )
    home = snap("/", doc("Portal", f"<p>Hi</p><footer>{footer}</footer>"), depth=0)
    obs = observe("agency-links", [home])
    assert obs.value == PRESENT and "cue: official_links" in obs.note and "usa.gov" in obs.note
    # two are not a directory; and links to commercial sites never count
    two = footer.split("</a>")[0] + '</a><a href="https://x.com/">X</a><a href="https://gov.example/a">A</a>'
    assert observe("agency-links", [snap("/", doc("Portal", f"<footer>{two}</footer>"), depth=0)]).value == ABSENT


def test_a_partial_title_goes_to_review_but_terms_found_together_cover_it() -> None:
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    story = snap("/x", doc("Taiwan Can Help in Bangkok", "<p>Story</p>"))
    assert observe("help-faq", [home, story]).confidence < 0.7
    both = snap("/y", doc("Waste and recycling", "<p>Bins</p>"))
    obs = observe("waste", [home, both])
    assert obs.value == PRESENT and obs.confidence >= 0.85 and "partial" not in obs.note


def test_a_term_written_twice_in_a_short_title_covers_it() -> None:
    """"以 AI 治 AI" (governing AI with AI) is all about AI: the term counts as often as it is written. Once in a
    longer title it is still a part ("AI 與漁業資源管理的新機會")."""
    home = snap("/", doc("數位政府", "<p>首頁</p>", "zh"), depth=0)

    def sighting(title: str) -> Observation:
        view = site_view([home, snap("/blog/ai", doc(title, "<p>文章</p>", "zh"))])
        view = dataclasses.replace(view, lexicons=Lexicons.load(["zh", "en"]))
        [found] = [o for o in asyncio.run(RULE.check_site(view)) if o.rule_id == "concept-emerging-tech"]
        return found

    twice = sighting("以 AI 治 AI")
    assert twice.value == PRESENT and twice.confidence >= 0.85 and "partial" not in twice.note
    once = sighting("AI 與漁業資源管理的新機會")
    assert once.value == PRESENT and once.confidence < 0.7 and "partial" in once.note


def test_a_law_named_next_to_a_date_is_an_item_of_a_list() -> None:
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    talks = snap("/talks", doc("Talks", "<p>2022-04-27 Remarks on the right to information in the digital age</p>"))
    page = snap("/foi", doc("Requests", "<p>Under the right to information, anyone may ask for records.</p>"))
    assert observe("law-access-information", [home, talks]).confidence < 0.7
    assert observe("law-access-information", [home, page]).confidence >= 0.7


def test_an_open_licence_counts_only_next_to_the_data() -> None:
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    far = snap(
        "/about",
        doc("About", "<p>We publish open data on many topics.</p>" + "<p>Other news.</p>" * 30 + "<p>CC BY 4.0</p>"),
    )
    near = snap("/data", doc("Data", "<p>All open data here is published under CC BY 4.0.</p>"))
    assert observe("open-data-licence", [home, far]).value == ABSENT
    assert observe("open-data-licence", [home, near]).value == PRESENT
    # the site's own content licence in the footer, right after a project that mentions open data
    footer = "<p>Structured open data for markets.</p><footer>Unless otherwise stated, content is CC BY 4.0.</footer>"
    assert observe("open-data-licence", [home, snap("/projects", doc("Projects", footer))]).value == ABSENT
    # a requirement on tools, with open data named in the next sentence
    rule = "<li>Mettre à disposition les données sous la licence ouverte (LO). Permettre la mise en Open Data.</li>"
    assert observe("open-data-licence", [home, snap("/criteres", doc("Critères", rule, "fr"))]).value == ABSENT


def test_a_team_page_lists_heads_with_titles_and_contacts() -> None:
    home = snap("/", doc("Portal", '<a href="/team">Our team</a>'), depth=0)
    staff = (("A. Gore", "Deputy Director"), ("O. Thomas", "Commissioner"), ("C. Vil", "Staff"))
    people = "".join(
        f'<p>{name}, {title} <a href="mailto:p{i}@gov.example">p{i}@gov.example</a></p>'
        for i, (name, title) in enumerate(staff)
    )
    assert observe("heads-listed", [home, snap("/team", doc("Our team", people))]).value == PRESENT
    # a leadership link whose page was not crawled is for the assessor to confirm, but it is a sighting
    menu = snap("/", doc("Portal", '<nav><a href="https://gov.example/leaders">Senior Officials</a></nav>'), depth=0)
    assert observe("heads-of-agencies", [menu]).value == PRESENT


def test_who_we_are_is_an_org_chart_only_with_its_units() -> None:
    home = snap("/", doc("Portal", '<a href="/about">Who we are</a>'), depth=0)
    mission = snap("/about", doc("Who we are", "<p>Our mission is to serve.</p>"))
    units = snap("/about", doc("Who we are", "<p>The department has four divisions and twelve branches.</p>"))
    assert observe("org-chart-about", [home, mission]).value == ABSENT
    assert observe("org-chart-about", [home, units]).value == PRESENT


def test_a_menu_link_to_a_section_of_the_page_is_the_section() -> None:
    """A one-page site's menu ("FAQ" → #faq) or a page's own table of contents leads to a section the
    page has: the menu weighs as navigation, the table of contents as the section's heading."""
    faq = '<section id="faq"><p>How do I register? Fill in the form.</p></section>'
    menu = snap("/", doc("Projects", f'<nav><a href="#faq">FAQ</a></nav>{faq}'), depth=0)
    toc = snap("/", doc("Projects", f'<ul><li><a href="#faq">Frequently asked questions</a></li></ul>{faq}'), depth=0)
    broken = snap("/", doc("Projects", '<nav><a href="#faq">FAQ</a></nav><p>No such section.</p>'), depth=0)
    in_menu, in_toc = observe("help-faq", [menu]), observe("help-faq", [toc])
    assert in_menu.value == PRESENT and "cue: nav_link" in in_menu.note and "#faq" in in_menu.note
    assert in_menu.evidence[0].url == BASE + "/" and in_menu.evidence[0].quote == "FAQ"
    assert in_toc.value == PRESENT and "cue: headings" in in_toc.note
    assert in_toc.confidence == RULE.cue(next(f for f in FEATURES if f.id == "help-faq"), "headings")
    assert observe("help-faq", [broken]).value == ABSENT


def test_a_menu_link_to_a_section_of_its_own_page_reaches_that_section() -> None:
    # a one-page site: its menu leads to sections of the page, "#" alone leads nowhere
    one_page = snap(
        "/",
        doc("Portal", '<nav><a href="#faq">FAQ</a></nav><h2 id="faq">FAQ</h2><p>Answers.</p>'),
        depth=0,
    )
    obs = observe("help-faq", [one_page])
    assert obs.value == PRESENT and obs.confidence >= 0.85 and "section" in obs.note
    placeholder = snap("/", doc("Portal", '<nav><a href="#">FAQ</a></nav>'), depth=0)
    assert observe("help-faq", [placeholder]).value == ABSENT


def test_a_term_that_is_only_a_links_text_is_a_link_not_running_text() -> None:
    # a footer link "Right to information" that leads nowhere is not the page telling about the right
    home = snap("/", doc("Portal", '<footer><a href="#">Right to information</a></footer>'), depth=0)
    assert observe("law-access-information", [home]).value == ABSENT
    told = snap("/", doc("Portal", "<p>Under the right to information, anyone may ask for records.</p>"), depth=0)
    assert observe("law-access-information", [told]).value == PRESENT


def test_a_structure_page_heads_the_governments_parts() -> None:
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    parts = "".join(f"<h2>{h}</h2><p>…</p>" for h in ("Ministries", "Executive agencies", "Local governments"))
    assert observe("org-chart-parts", [home, snap("/state", doc("The State", parts))]).value == PRESENT
    # two parts, or three named in one sentence, are not a structure laid out
    two = "<h2>Ministries</h2><h2>Executive agencies</h2>"
    assert observe("org-chart-parts", [home, snap("/s", doc("S", two))]).value == ABSENT
    one = "<h2>Ministries, executive agencies and local governments</h2>"
    assert observe("org-chart-parts", [home, snap("/s", doc("S", one))]).value == ABSENT


def test_about_the_place_the_site_is_named_after_is_city_information() -> None:
    home = snap(
        "/",
        doc("Portal", '<p>Welcome to the City of Port Aldren.</p><a href="/place">Discover Port Aldren</a>'),
        depth=0,
    )
    obs = observe("city-information", [home])
    assert obs.value == PRESENT and obs.confidence >= 0.7 and "Discover Port Aldren" in obs.note
    # another name, or the place's name without the site naming itself after it, is not the place
    other = snap("/", doc("Portal", '<p>City of Port Aldren.</p><a href="/x">Discover Harbour Tours</a>'), depth=0)
    assert observe("city-information", [other]).value == ABSENT
    unnamed = snap("/", doc("Portal", '<a href="/place">Discover Port Aldren</a>'), depth=0)
    assert observe("city-information", [unnamed]).value == ABSENT


def test_a_plan_named_with_its_period_is_not_a_dated_item() -> None:
    # "2023-2027" right after the strategy's name is its period, not a date beside a list item
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    plan = snap("/about", doc("About", "<p>Our digital strategy 2023-2027 sets out the work ahead.</p>"))
    item = snap("/news", doc("News", "<p>2023-05-12 Minister presents the digital strategy</p>"))
    assert observe("strategy-digital", [home, plan]).confidence >= 0.7
    assert observe("strategy-digital", [home, item]).confidence < 0.7


def test_place_names_read_capitals_of_any_cased_script_and_the_packs_joiners() -> None:
    """The jurisdiction's name after "City of" / "Gobierno de" is read by its capitals, whatever the letters
    ("Örebro", "Łódź"), and its inner small words are the pack's `place_name_joiners`, not a list in code."""
    text = "<p>Welcome to the City of Łódź Online. Gobierno de Reino de España hoy.</p>"
    home = snap("/", doc("City of Örebro", text))
    joiners = builtin_pack().terms["place_name_joiners"]
    names = place_names(home, ["city of", "gobierno de"], [t for ts in joiners.values() for t in ts])
    assert {fold("Örebro"), fold("Łódź"), fold("Łódź Online"), "reino de espana"} <= names
    assert "reino" in names and not {"welcome", "hoy"} & names
    assert "reino de espana" not in place_names(home, ["gobierno de"], [])  # without the joiner, the name stops


def test_the_national_open_data_programme_in_an_article_is_not_the_city_portals_open_data_policy() -> None:
    """One sentence of an article naming the national open-data programme informs OSI #341 (information
    about the national policy), not LOSI #236, which is the city portal's own policy page or link."""
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    text = "<p>We will bring the open government data portal to AI.</p>"
    article = snap("/blog/ten-years", doc("Ten years on", text))
    assert observe("policy-open-data", [home, article]).value == PRESENT
    assert observe("city-open-data-policy", [home, article]).value == ABSENT
    menu = snap("/", doc("Portal", '<nav><a href="/open-data-policy">Open data policy</a></nav>'), depth=0)
    policy = snap("/open-data-policy", doc("Open data policy", "<p>The city publishes its data.</p>"))
    obs = observe("city-open-data-policy", [menu, policy])
    assert obs.value == PRESENT and obs.confidence >= 0.7


def test_a_page_titled_with_a_hackathon_is_about_one_even_as_a_headline() -> None:
    home = snap("/", doc("Portal", "<p>Hi</p>"), depth=0)
    news = snap("/blog/islands", doc("'Resilient Islands' makes the Presidential Hackathon more anticipated", ""))
    obs = observe("open-data-hackathons", [home, news])
    assert obs.value == PRESENT and obs.confidence >= 0.7
    zh = snap("/zh/blog/islands", doc("「韌性島嶼」讓總統盃黑客松受到更多期待", "", "zh"))
    assert observe("open-data-hackathons", [home, zh]).confidence >= 0.7
