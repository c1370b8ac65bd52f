"""Scores: a comparison table across countries and a page per country, with inline SVG charts.

Reviewers and admins only: scores are built from final values, which assessors must not see while
they answer blind.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from govaudit.marks import N_
from govaudit.review import REVIEWER_ROLES, instrument
from govaudit.scores import EPI_LEVEL_NAMES, CountryScore, compute, effective_weights, index_subindices
from govaudit.web.charts import bar_chart
from govaudit.web.context import Web, can_see
from storage.records import UserRecord

router = APIRouter()
OSI_KEY = "OSI-2024"


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def _reviewer(web: Web, request: Request) -> UserRecord:
    user = web.require_user(request)
    if user.role not in REVIEWER_ROLES:
        raise HTTPException(403, N_("Scores are built from final values: reviewers and admins only."))
    return user


def _by_country(scores: list[CountryScore]) -> dict[str, CountryScore]:
    return {s.country: s for s in scores}


@router.get("/scores", response_class=HTMLResponse)
def scores(request: Request) -> Response:
    web = _web(request)
    user = _reviewer(web, request)
    # Normalised across every assessed country, shown for the countries this user may see.
    everyone = compute(web.store, web.weights)
    projected = _by_country(compute(web.store, web.weights, projected=True))
    rows = [s for s in everyone if can_see(user, s.country)]
    osi = instrument(OSI_KEY)
    subs = index_subindices(osi)
    charts = [
        bar_chart(
            "chart-osi", N_("OSI raw score by country (confirmed / projected)"),
            [(s.country, s.osi.raw if s.osi else None) for s in rows],
            projected=[(p.raw if (p := projected[s.country].osi) else None) for s in rows],
        ),
        bar_chart("chart-egdi", N_("EGDI by country (confirmed)"), [(s.country, s.egdi) for s in rows]),
    ]
    return web.render(
        request, "scores.html",
        {"title": "Scores", "user": user, "rows": rows, "projected": projected, "subs": subs, "charts": charts,
         "assessed": len(everyone), "weights": effective_weights(osi, web.weights.get(OSI_KEY))},
    )


@router.get("/scores/{country}", response_class=HTMLResponse)
def country_scores(request: Request, country: str) -> Response:
    web = _web(request)
    user = _reviewer(web, request)
    country = country.upper()
    score = _by_country(compute(web.store, web.weights)).get(country)
    if score is None or not can_see(user, country):
        raise HTTPException(404, N_("No scores for this country among yours."))
    projected = _by_country(compute(web.store, web.weights, projected=True))[country]
    osi = instrument(OSI_KEY)
    charts = []
    if score.osi and projected.osi:
        codes = list(score.osi.subindices)
        charts.append(bar_chart(
            "chart-subindices", N_("OSI subindices, ratio of features found (confirmed / projected)"),
            [(f"{code} {osi.subindices[code].name}", score.osi.subindices[code]) for code in codes],
            projected=[projected.osi.subindices[code] for code in codes],
        ))
        charts.append(bar_chart(
            "chart-epi", N_("E-Participation levels (confirmed / projected)"),
            [(n, score.epi_levels.get(n)) for n in EPI_LEVEL_NAMES],
            projected=[projected.epi_levels.get(n) for n in EPI_LEVEL_NAMES],
        ))
    return web.render(
        request, "country_scores.html",
        {"title": f"{country} scores", "user": user, "country": country, "score": score, "projected": projected,
         "charts": charts, "osi": osi, "weights": effective_weights(osi, web.weights.get(OSI_KEY))},
    )
