"""The review queue page and its bulk accept.

The queue's filter lives in the query string, and travels with every link from the queue to a question
and from a question to the next one, so Previous / Next walk the filtered list, not the whole instrument.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govaudit.marks import N_
from govaudit.review import STATUS_LABELS, QuestionState, country_states, instrument
from govaudit.web import queue as q
from govaudit.web.context import Web
from govaudit.web.review_routes import country_of, instrument_of, instruments_of, is_reviewer
from storage.records import UserRecord

router = APIRouter()
DEFAULT_MIN_CONFIDENCE = 0.9
QUEUE_KEYS = (
    ("/", N_("Focus the search field")),
    ("n", N_("Open the first question of the list")),
    ("?", N_("Open this help")),
)


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def queue_filter(request: Request, key: str, user: UserRecord) -> q.QueueFilter:
    return q.QueueFilter.from_params(request.query_params, tuple(instrument(key).subindices), is_reviewer(user))


def filtered(
    web: Web, request: Request, country: str, key: str, user: UserRecord
) -> tuple[q.QueueFilter, list[QuestionState]]:
    """The filter the request asks for and the questions it keeps, in its order."""
    f = queue_filter(request, key, user)
    return f, q.apply(country_states(web.store, country, key), f, user, is_reviewer(user))


@router.get("/c/{country}/{key}", response_class=HTMLResponse)
def queue(request: Request, country: str, key: str, bulk: int | None = None) -> Response:
    web = _web(request)
    user = web.require_user(request)
    country = country_of(user, country)
    keys = instruments_of(web, country)  # read once: the redirect, the check and the page's select
    wanted = request.query_params.get("instrument")
    if wanted and wanted != key and wanted in keys:
        # The instrument select of the filter form: the same filter on the other instrument's queue.
        f = queue_filter(request, wanted, user)
        return RedirectResponse(f"/c/{country}/{wanted}{f.query()}", status_code=303)
    key = instrument_of(web, country, key, keys)
    return _queue(web, request, user, country, key, bulk_done=bulk, instruments=keys)


def _queue(
    web: Web,
    request: Request,
    user: UserRecord,
    country: str,
    key: str,
    *,
    bulk_done: int | None = None,
    error: str = "",
    status_code: int = 200,
    instruments: list[str] | None = None,
) -> Response:
    reviewer = is_reviewer(user)
    inst = instrument(key)
    everything = country_states(web.store, country, key)
    f = queue_filter(request, key, user)
    states = q.apply(everything, f, user, reviewer)
    names = {code: sub.name for code, sub in inst.subindices.items()}
    return web.render(
        request,
        "queue.html",
        {
            "user": user,
            "country": country,
            "key": key,
            "f": f,
            "reviewer": reviewer,
            "rows": [_row(s, user, reviewer) for s in states],
            "instruments": instruments_of(web, country) if instruments is None else instruments,
            "subindices": names,
            "options": {
                "show": q.SHOW,
                "outcome": q.OUTCOMES,
                "band": q.BANDS,
                "sort": q.SORTS,
                "who": q.WHO_REVIEWER if reviewer else q.WHO_ASSESSOR,
            },
            "progress": q.progress(everything, names, user, reviewer),
            "min_confidence": DEFAULT_MIN_CONFIDENCE,
            "candidates": len(q.bulk_candidates(states, user, DEFAULT_MIN_CONFIDENCE)),
            "bulk_done": bulk_done,
            "error": error,
            "shortcut_keys": QUEUE_KEYS,
        },
        status_code=status_code,
    )


def _row(state: QuestionState, user: UserRecord, reviewer: bool) -> dict[str, Any]:
    answer = state.current.record.answer  # type: ignore[union-attr]
    return {
        "code": state.question.code,
        "title": state.question.title,
        "subindex": state.question.subindex,
        "value": answer.value,
        "outcome": str(answer.outcome),
        "confidence": answer.confidence,
        "own": state.decision_of(user.id),
        "status": STATUS_LABELS[state.status] if reviewer else None,
        "final_value": state.final_value if reviewer else None,
        "flagged": q.flagged(state, user, reviewer),
    }


@router.post("/c/{country}/{key}/bulk")
def bulk_accept(
    request: Request,
    country: str,
    key: str,
    csrf_token: str = Form(""),
    min_confidence: str = Form(""),
    comment: str = Form(""),
) -> Response:
    """Accept every suggestion the filter keeps at or above a confidence: one review per question, each
    naming the bulk action and its filter in its comment (reviews are append-only)."""
    web = _web(request)
    user = web.require_user(request)
    web.check_csrf(request, csrf_token)
    country = country_of(user, country)
    key = instrument_of(web, country, key)
    try:
        threshold = float(min_confidence)
    except ValueError:
        threshold = -1.0
    if not 0.0 <= threshold <= 1.0:
        return _queue(
            web,
            request,
            user,
            country,
            key,
            error=N_("The lowest confidence must be a number from 0 to 1."),
            status_code=400,
        )
    if not comment.strip():
        return _queue(web, request, user, country, key, error=N_("A bulk accept needs a comment."), status_code=400)
    f, states = filtered(web, request, country, key, user)
    action = q.describe(f, threshold)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    taken = q.bulk_candidates(states, user, threshold)
    for state in taken:
        answer = state.current.record  # type: ignore[union-attr]
        web.store.reviews.add(
            answer.id,
            user.id,
            user.role,
            "accept",
            answer.answer.value,
            f"[{action}, {stamp}] {comment.strip()}"[:4000],
        )
    params = {**f.params(), "bulk": str(len(taken))}
    return RedirectResponse(f"/c/{country}/{key}?{urlencode(params)}", status_code=303)
