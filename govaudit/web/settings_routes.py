"""A person's choices: the interface language and the single-key shortcuts, kept per user."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from govaudit.web.context import Web, local_path
from govaudit.web.i18n import languages
from storage.user_settings import UserSettingsStore

router = APIRouter()


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


@router.post("/settings/language")
def set_language(
    request: Request, csrf_token: str = Form(""), language: str = Form(""), next: str = Form("/")
) -> Response:
    web = _web(request)
    user = web.require_user(request)
    web.check_csrf(request, csrf_token)
    # An unknown code means "follow the browser" rather than an error: the form only offers known ones.
    UserSettingsStore(web.store).set(user.id, language=language if language in languages() else "")
    return RedirectResponse(local_path(next), status_code=303)


@router.post("/settings/shortcuts")
def set_shortcuts(
    request: Request, csrf_token: str = Form(""), shortcuts: str = Form(""), next: str = Form("/")
) -> Response:
    web = _web(request)
    user = web.require_user(request)
    web.check_csrf(request, csrf_token)
    UserSettingsStore(web.store).set(user.id, shortcuts=shortcuts == "on")
    return RedirectResponse(local_path(next), status_code=303)
