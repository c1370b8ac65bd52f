"""The review pages: countries, the queue, one question, reconciliation, cycles, exports.

Blindness is enforced here: an assessor's pages are built from their own decisions only; the
reviewer's pages show every assessor's.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govaudit.exports import FORMATS, MEDIA_TYPES, export
from govaudit.web.context import Web, can_see
from govaudit.web.review import (
    DISCREPANCY,
    ONE_ASSESSOR,
    REVIEWER_ROLES,
    STATUS_LABELS,
    UNREVIEWED,
    QuestionState,
    allowed_values,
    country_states,
    discrepancy_rate,
    final_values,
    instrument,
    rejected_value,
)
from storage.records import UserRecord

router = APIRouter()
FILTERS = {"all": "All questions", "todo": "Still to decide", "flagged": "Evidence changed", "review": "Needs review"}


def _web(request: Request) -> Web:
    return request.app.state.web


def _country(user: UserRecord, country: str) -> str:
    country = country.upper()
    if len(country) != 3 or not country.isalpha() or not can_see(user, country):
        # The same answer for "not yours" and "does not exist": no probing of other countries.
        raise HTTPException(404, "No such country among yours.")
    return country


def _instruments(web: Web, country: str) -> list[str]:
    return [key for c, key in web.store.answered_countries() if c == country]


def _instrument(web: Web, country: str, key: str) -> str:
    if key not in _instruments(web, country):
        raise HTTPException(404, "No answers for this instrument in this country.")
    return key


def is_reviewer(user: UserRecord) -> bool:
    return user.role in REVIEWER_ROLES


def _todo(state: QuestionState, user: UserRecord) -> bool:
    own = state.decision_of(user.id)
    return state.current is not None and (own is None or own.changed is not None)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    web = _web(request)
    user = web.require_user(request)
    pairs = [(c, k) for c, k in web.store.answered_countries() if can_see(user, c)]
    countries: dict[str, list[str]] = {}
    for country, key in pairs:
        countries.setdefault(country, []).append(key)
    return web.render(request, "home.html", {"title": "Your countries", "user": user, "countries": countries})


@router.get("/c/{country}", response_class=HTMLResponse)
def country_page(request: Request, country: str) -> Response:
    web = _web(request)
    user = web.require_user(request)
    country = _country(user, country)
    summaries = []
    for key in _instruments(web, country):
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


@router.get("/c/{country}/{key}", response_class=HTMLResponse)
def queue(request: Request, country: str, key: str, show: str = "all") -> Response:
    web = _web(request)
    user = web.require_user(request)
    country = _country(user, country)
    key = _instrument(web, country, key)
    show = show if show in FILTERS else "all"
    states = [s for s in country_states(web.store, country, key) if s.current is not None]
    if show == "todo":
        states = [s for s in states if _todo(s, user)]
    elif show == "flagged":
        states = [s for s in states if _flagged(s, user)]
    elif show == "review":
        states = [s for s in states if str(s.current.record.answer.outcome) == "needs_review"]  # type: ignore[union-attr]
    rows = [_row(s, user) for s in states]
    return web.render(
        request, "queue.html",
        {"title": f"{country} {key} review queue", "user": user, "country": country, "key": key, "rows": rows,
         "show": show, "filters": FILTERS, "reviewer": is_reviewer(user)},
    )


def _flagged(state: QuestionState, user: UserRecord) -> bool:
    if is_reviewer(user):
        return state.evidence_changed
    own = state.decision_of(user.id)
    return own is not None and own.changed is not None


def _row(state: QuestionState, user: UserRecord) -> dict[str, Any]:
    answer = state.current.record.answer  # type: ignore[union-attr]
    own = state.decision_of(user.id)
    return {
        "code": state.question.code,
        "title": state.question.title,
        "subindex": state.question.subindex,
        "value": answer.value,
        "outcome": str(answer.outcome),
        "confidence": answer.confidence,
        "own": own,
        "status": STATUS_LABELS[state.status] if is_reviewer(user) else None,
        "final_value": state.final_value if is_reviewer(user) else None,
        "flagged": _flagged(state, user),
    }


def _find(web: Web, country: str, key: str, code: str) -> tuple[list[QuestionState], int]:
    states = [s for s in country_states(web.store, country, key) if s.current is not None]
    for i, state in enumerate(states):
        if state.question.code == code:
            return states, i
    raise HTTPException(404, "No such question in this queue.")


@router.get("/c/{country}/{key}/q/{code}", response_class=HTMLResponse)
def question_page(request: Request, country: str, key: str, code: str, saved: str = "") -> Response:
    web = _web(request)
    user = web.require_user(request)
    country = _country(user, country)
    key = _instrument(web, country, key)
    states, i = _find(web, country, key, code)
    return _question(web, request, user, country, key, states, i, saved=saved)


def _question(
    web: Web, request: Request, user: UserRecord, country: str, key: str, states: list[QuestionState], i: int,
    *, saved: str = "", error: str = "", status_code: int = 200,
) -> Response:
    state = states[i]
    reviewer = is_reviewer(user)
    own = state.decision_of(user.id)
    # Blind: an assessor's trail is their own reviews only.
    trail = state.trail if reviewer else tuple(r for r in state.trail if r.user_id == user.id)
    return web.render(
        request, "question.html",
        {
            "title": f"{country} {key} #{state.question.code} {state.question.title}",
            "user": user, "country": country, "key": key, "state": state,
            "answer": state.current.record.answer,  # type: ignore[union-attr]
            "current": state.current, "own": own, "reviewer": reviewer, "trail": trail,
            "values": allowed_values(state.question),
            "previous": states[i - 1].question.code if i > 0 else None,
            "next": states[i + 1].question.code if i + 1 < len(states) else None,
            "status_label": STATUS_LABELS[state.status], "saved": saved, "error": error,
        },
        status_code=status_code,
    )


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
    country = _country(user, country)
    key = _instrument(web, country, key)
    states, i = _find(web, country, key, code)
    state = states[i]
    # The decision must be on a suggestion of this very question (not any id a form can carry).
    if answer_id not in {h.record.id for h in state.history} or web.store.answer_place(answer_id) != (
        country, key, code,
    ):
        raise HTTPException(400, "That suggestion does not belong to this question.")
    seen = next(h.record.answer for h in state.history if h.record.id == answer_id)
    final: str | None
    if decision == "accept":
        final = seen.value
    elif decision == "reject":
        final = rejected_value(state.question, seen.value)
        if final is None:
            return _question(web, request, user, country, key, states, i, status_code=400,
                             error="Rejecting does not say which value is right here: choose Override and a value.")
    elif decision == "override":
        if value not in allowed_values(state.question):
            return _question(web, request, user, country, key, states, i, status_code=400,
                             error="Choose the value to record for Override.")
        final = value
    else:
        return _question(web, request, user, country, key, states, i, status_code=400,
                         error="Choose Accept, Reject or Override.")
    if final is None and decision == "accept":
        return _question(web, request, user, country, key, states, i, status_code=400,
                         error="There is no suggested value to accept: choose Override and a value.")
    web.store.add_review(answer_id, user.id, user.role, decision, final, comment.strip()[:4000])
    target = states[i + 1].question.code if i + 1 < len(states) else state.question.code
    return RedirectResponse(f"/c/{country}/{key}/q/{target}?saved={state.question.code}", status_code=303)


@router.get("/c/{country}/{key}/reconcile", response_class=HTMLResponse)
def reconcile(request: Request, country: str, key: str) -> Response:
    web = _web(request)
    user = web.require_user(request)
    if not is_reviewer(user):
        raise HTTPException(403, "Only reviewers reconcile assessors' answers.")
    country = _country(user, country)
    key = _instrument(web, country, key)
    states = [s for s in country_states(web.store, country, key) if s.current is not None]
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
    country = _country(user, country)
    key = _instrument(web, country, key)
    inst = instrument(key)
    reviewer = is_reviewer(user)
    states = country_states(web.store, country, key)
    editions = sorted(k for k in _instruments(web, country) if instrument(k).id == inst.id and k < key)
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
        raise HTTPException(403, "Exports show every final value: reviewers and admins only.")
    country = _country(user, country)
    if fmt not in FORMATS:
        raise HTTPException(404, "Unknown format.")
    body = export(web.store, country, _instruments(web, country), fmt)
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="govaudit-{country}-answers.{fmt}"',
                 "Cache-Control": "no-store"},
    )
