"""The review pages: countries, the queue, one question, reconciliation, cycles, exports.

Blindness is enforced here: an assessor's pages are built from their own decisions only; the
reviewer's pages show every assessor's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govaudit.exports import FORMATS, MEDIA_TYPES, export
from govaudit.marks import N_
from govaudit.review import (
    DISCREPANCY,
    ONE_ASSESSOR,
    REVIEWER_ROLES,
    STATUS_LABELS,
    UNREVIEWED,
    QuestionState,
    allowed_values,
    build_states,
    country_states,
    discrepancy_rate,
    final_values,
    instrument,
    rejected_value,
)
from govaudit.web.context import Web, can_see
from govaudit.web.queue import OUTCOMES, QueueFilter
from govaudit.web.queue import apply as apply_filter
from storage.records import AnswerPlace, CountryAnswer, UserRecord

router = APIRouter()
QUESTION_KEYS = (
    ("a", N_("Accept the suggestion")),
    ("r", N_("Reject it (the other value of a yes/no question)")),
    ("o", N_("Override: choose another value")),
    ("n", N_("Next question of the list")),
    ("p", N_("Previous question of the list")),
    ("?", N_("Open this help")),
)
# What "yes" means, and where a question is assessed (translated where shown).
YES_RULES = {
    "binary": N_("Present and findable in reasonable time (a few clicks from the home page); otherwise no."),
    "graded": N_("The highest level the service reaches online; absent when it is not found at all."),
}
SCOPES = {
    "OSI": N_("Assessed on the national portal and the government sites reached from it."),
    "LOSI": N_("Assessed on the portal of the country's most populous city."),
}


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def country_of(user: UserRecord, country: str) -> str:
    country = country.upper()
    if len(country) != 3 or not country.isalpha() or not can_see(user, country):
        # The same answer for "not yours" and "does not exist": no probing of other countries.
        raise HTTPException(404, N_("No such country among yours."))
    return country


def instruments_of(web: Web, country: str) -> list[str]:
    return [q.instrument for q in web.store.answers.answered_countries() if q.country == country]


def instrument_of(web: Web, country: str, key: str, known: list[str] | None = None) -> str:
    """`key`, if the country has answers for it (`known`: the country's instruments, when already read)."""
    if key not in (instruments_of(web, country) if known is None else known):
        raise HTTPException(404, N_("No answers for this instrument in this country."))
    return key


def queue_states(web: Web, country: str, key: str) -> list[QuestionState]:
    """Every question's state in the country's queue for one instrument, or 404 where the country has no
    answers for it. The queue's own read tells (`of_country` gives at least one suggestion of each site and
    question answered), where `instrument_of` would read the instruments of every country's answers of every
    run first, on each question page and each decision."""
    answers = web.store.answers.of_country(country, key)
    if not answers:
        raise HTTPException(404, N_("No answers for this instrument in this country."))
    return build_states(instrument(key), answers)


def is_reviewer(user: UserRecord) -> bool:
    return user.role in REVIEWER_ROLES


def _todo(state: QuestionState, user: UserRecord) -> bool:
    own = state.decision_of(user.id)
    return state.current is not None and (own is None or own.changed is not None)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    web = _web(request)
    user = web.require_user(request)
    pairs = [(q.country, q.instrument) for q in web.store.answers.answered_countries() if can_see(user, q.country)]
    countries: dict[str, list[str]] = {}
    for country, key in pairs:
        countries.setdefault(country, []).append(key)
    return web.render(request, "home.html", {"title": "Your countries", "user": user, "countries": countries})


@router.get("/c/{country}", response_class=HTMLResponse)
def country_page(request: Request, country: str) -> Response:
    web = _web(request)
    user = web.require_user(request)
    country = country_of(user, country)
    summaries = []
    for key in instruments_of(web, country):
        states = country_states(web.store, country, key)
        counts = Counter(s.status for s in states if s.current is not None)
        mine = sum(1 for s in states if s.decision_of(user.id) is not None)
        summaries.append(
            {
                "key": key,
                "title": instrument(key).title,
                "total": sum(1 for s in states if s.current is not None),
                "mine": mine,
                "todo": sum(1 for s in states if _todo(s, user)),
                "counts": [(STATUS_LABELS[k], counts.get(k, 0)) for k in STATUS_LABELS] if is_reviewer(user) else [],
                "discrepancy": discrepancy_rate(states) if is_reviewer(user) else None,
                "approved": len(final_values(states)),
            }
        )
    return web.render(
        request, "country.html",
        {"title": f"{country}", "user": user, "country": country, "summaries": summaries,
         "reviewer": is_reviewer(user), "formats": FORMATS},
    )


@dataclass(frozen=True, slots=True)
class Place:
    """A question within the queue's filtered list: what Previous / Next and "n of N" need."""

    state: QuestionState
    f: QueueFilter
    previous: str | None
    next: str | None
    position: int | None  # 1-based in the filtered list; None when the filter no longer keeps it
    listed: int


def _place(web: Web, request: Request, user: UserRecord, country: str, key: str, code: str) -> Place:
    everything = [s for s in queue_states(web, country, key) if s.current is not None]
    order = {s.question.code: i for i, s in enumerate(everything)}
    if code not in order:
        raise HTTPException(404, N_("No such question in this queue."))
    state = everything[order[code]]
    f = QueueFilter.from_params(request.query_params, tuple(instrument(key).subindices), is_reviewer(user))
    kept = [s.question.code for s in apply_filter(everything, f, user, is_reviewer(user))]
    if code in kept:
        i = kept.index(code)
        previous, following = kept[i - 1] if i > 0 else None, kept[i + 1] if i + 1 < len(kept) else None
        return Place(state, f, previous, following, i + 1, len(kept))
    # The filter no longer keeps it (just decided under "still to decide"): its neighbours in Survey order.
    before = [c for c in kept if order[c] < order[code]]
    after = [c for c in kept if order[c] > order[code]]
    return Place(state, f, before[-1] if before else None, after[0] if after else None, None, len(kept))


@router.get("/c/{country}/{key}/q/{code}", response_class=HTMLResponse)
def question_page(request: Request, country: str, key: str, code: str, saved: str = "") -> Response:
    web = _web(request)
    user = web.require_user(request)
    country = country_of(user, country)
    place = _place(web, request, user, country, key, code)
    return _question(web, request, user, country, key, place, saved=saved)


def _question(
    web: Web, request: Request, user: UserRecord, country: str, key: str, place: Place,
    *, saved: str = "", error: str = "", status_code: int = 200,
) -> Response:
    state = place.state
    reviewer = is_reviewer(user)
    inst = instrument(key)
    answer = state.current.record.answer  # type: ignore[union-attr]
    # Blind: an assessor's trail is their own reviews only.
    trail = state.trail if reviewer else tuple(r for r in state.trail if r.user_id == user.id)
    # The first screen of each evidence page, as the run's browser saw it (none for a page not rendered);
    # a suggestion without evidence has no page to show, and its run's visits are not read.
    current = state.current
    urls = [e.url for e in answer.evidence]
    views = web.store.audits.screenshots(current.run_id, page_views_of=urls) if current and urls else []
    return web.render(
        request, "question.html",
        {
            "user": user, "country": country, "key": key, "state": state, "inst": inst, "f": place.f,
            "answer": answer, "current": state.current, "own": state.decision_of(user.id), "reviewer": reviewer,
            "trail": trail, "values": allowed_values(state.question),
            "page_views": {shot.page_url: shot.data_uri for shot in views},
            "reject_value": rejected_value(state.question, answer.value),
            "previous": place.previous, "next": place.next, "position": place.position, "listed": place.listed,
            "status_label": STATUS_LABELS[state.status], "saved": saved, "error": error,
            "yes_rule": inst.answer_rules.get(state.question.answer, ""),
            "yes_fallback": YES_RULES[state.question.answer],
            "scope": SCOPES.get(inst.id, ""), "outcomes": OUTCOMES, "shortcut_keys": QUESTION_KEYS,
        },
        status_code=status_code,
    )


def _final_value(state: QuestionState, seen_value: str | None, decision: str, value: str) -> tuple[str | None, str]:
    """(the value a decision records, "" or the error message saying why it records none)."""
    if decision == "accept":
        if seen_value is None:
            return None, N_("There is no suggested value to accept: choose Override and a value.")
        return seen_value, ""
    if decision == "reject":
        final = rejected_value(state.question, seen_value)
        if final is None:
            return None, N_("Rejecting does not say which value is right here: choose Override and a value.")
        return final, ""
    if decision == "override":
        if value not in allowed_values(state.question):
            return None, N_("Choose the value to record for Override.")
        return value, ""
    return None, N_("Choose Accept, Reject or Override.")


def _older_suggestion(web: Web, state: QuestionState, answer_id: int, where: AnswerPlace) -> CountryAnswer | None:
    """A suggestion of this question the queue no longer reads, from a kind of site it reads; else None."""
    if web.store.answers.place(answer_id) != where:
        return None
    older = web.store.answers.one(answer_id)
    if older is None or older.site_kind not in {h.site_kind for h in state.history}:
        return None
    return older


@router.post("/c/{country}/{key}/q/{code}")
def decide(
    request: Request,
    country: str,
    key: str,
    code: str,
    csrf_token: str = Form(""),
    answer_id: int = Form(...),
    decision: str = Form(""),
    value: str = Form(""),
    comment: str = Form(""),
) -> Response:
    web = _web(request)
    user = web.require_user(request)
    web.check_csrf(request, csrf_token)
    country = country_of(user, country)
    place = _place(web, request, user, country, key, code)
    state = place.state
    # The decision must be on a suggestion of this very question (not any id a form can carry), from the
    # sites the queue reads: one of its history is (the queue read it for this country, instrument and
    # question). One older than the queue loads (a page left open over two nightly runs) is looked up on
    # its own.
    shown = next((h for h in state.history if h.record.id == answer_id), None)
    if shown is None:
        shown = _older_suggestion(web, state, answer_id, AnswerPlace(country, key, code))
    if shown is None:
        raise HTTPException(400, N_("That suggestion does not belong to this question."))
    seen = shown.record.answer
    final, error = _final_value(state, seen.value, decision, value)
    if error:
        return _question(web, request, user, country, key, place, status_code=400, error=error)
    web.store.reviews.add(answer_id, user.id, user.role, decision, final, comment.strip()[:4000])
    target = place.next or code
    query = urlencode({**place.f.params(), "saved": code})
    return RedirectResponse(f"/c/{country}/{key}/q/{target}?{query}", status_code=303)


@router.get("/c/{country}/{key}/reconcile", response_class=HTMLResponse)
def reconcile(request: Request, country: str, key: str) -> Response:
    web = _web(request)
    user = web.require_user(request)
    if not is_reviewer(user):
        raise HTTPException(403, N_("Only reviewers reconcile assessors' answers."))
    country = country_of(user, country)
    states = [s for s in queue_states(web, country, key) if s.current is not None]
    open_states = [s for s in states if s.status in (DISCREPANCY, ONE_ASSESSOR) or s.evidence_changed]
    differ, both = discrepancy_rate(states)
    return web.render(
        request, "reconcile.html",
        {"title": f"{country} {key} reconciliation", "user": user, "country": country, "key": key,
         "states": open_states, "differ": differ, "both": both, "labels": STATUS_LABELS,
         "unreviewed": sum(1 for s in states if s.status == UNREVIEWED)},
    )


@router.get("/c/{country}/{key}/cycles", response_class=HTMLResponse)
def cycles(request: Request, country: str, key: str) -> Response:
    """What changed: final values against the previous edition of the same instrument, and the latest
    run's suggestions against the run before."""
    web = _web(request)
    user = web.require_user(request)
    country = country_of(user, country)
    states = queue_states(web, country, key)
    inst = instrument(key)
    reviewer = is_reviewer(user)
    editions = sorted(k for k in instruments_of(web, country) if instrument(k).id == inst.id and k < key)
    edition_rows: list[dict[str, Any]] = []
    previous_key = editions[-1] if editions else None
    if previous_key and reviewer:  # final values are the reviewers' to see (blind assessment)
        before = final_values(country_states(web.store, country, previous_key))
        now = final_values(states)
        for q in inst.questions:
            old, new = before.get(q.code), now.get(q.code)
            if old != new:
                edition_rows.append({"code": q.code, "title": q.title, "before": old, "now": new})
    run_rows = []
    for s in states:
        runs: dict[int, str | None] = {}
        for h in s.history:
            runs[h.run_id] = h.record.answer.value
        if len(runs) >= 2:
            (run_a, old), (run_b, new) = list(runs.items())[-2:]
            if old != new:
                run_rows.append({"code": s.question.code, "title": s.question.title, "before": old, "now": new,
                                 "run_before": run_a, "run_now": run_b})
    return web.render(
        request, "cycles.html",
        {"title": f"{country} {key} cycle to cycle", "user": user, "country": country, "key": key,
         "previous_key": previous_key, "edition_rows": edition_rows, "run_rows": run_rows, "reviewer": reviewer},
    )


@router.get("/exports/{country}/answers.{fmt}")
def download(request: Request, country: str, fmt: str) -> Response:
    web = _web(request)
    user = web.require_user(request)
    if not is_reviewer(user):
        raise HTTPException(403, N_("Exports show every final value: reviewers and admins only."))
    country = country_of(user, country)
    if fmt not in FORMATS:
        raise HTTPException(404, N_("Unknown format."))
    body = export(web.store, country, instruments_of(web, country), fmt)
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="govaudit-{country}-answers.{fmt}"',
                 "Cache-Control": "no-store"},
    )
