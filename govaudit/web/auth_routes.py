"""Signing in and out, with rate limiting and a fresh session id at every sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govaudit.web import throttle
from govaudit.web.context import Web, local_path
from govaudit.web.security import (
    PRE_SESSION_COOKIE,
    PRE_SESSION_MAX_AGE_S,
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    new_session_id,
    verify_password,
)
from storage import web_sessions

router = APIRouter()


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    web = _web(request)
    if web.user(request) is not None:
        return RedirectResponse(local_path(next), status_code=303)
    return _login_page(request, web, next, error="")


def _login_page(request: Request, web: Web, next_path: str, error: str, status_code: int = 200) -> Response:
    sid, cookie = web.signer.pre_session_cookie()
    # The token is rendered for the new pre-session, whose cookie is set on this same response.
    language = web.language(request, web.settings(None))
    body = web.env(language).get_template("login.html").render(
        title="Sign in", user=None, csrf_token=web.signer.csrf_token(sid), next=local_path(next_path),
        error=error, request_path="/login", lang=language,
    )
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    web.set_cookie(response, PRE_SESSION_COOKIE, cookie, PRE_SESSION_MAX_AGE_S)
    return response


@router.post("/login")
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    web = _web(request)
    web.check_csrf(request, csrf_token)
    address = web.client_address(request)
    verdict = throttle.check(web.store, name, address)
    if not verdict.allowed:
        # Refused before the password is checked, so guessing on cannot succeed meanwhile; each
        # further failure doubles the wait, and the account's owner elsewhere is not locked out.
        minutes = max(1, -(-verdict.retry_after_s // 60))
        raise HTTPException(
            429,
            f"Too many failed sign-ins. Try again in {minutes} minutes.",
            headers={"Retry-After": str(verdict.retry_after_s)},
        )
    user = web.store.users.named(name)
    ok = verify_password(user.password_hash if user else None, password)
    web.store.users.record_login_attempt(name, address, ok)
    if not ok or user is None:
        return _login_page(request, web, next, error="The name or the password is wrong.", status_code=401)
    response = RedirectResponse(local_path(next), status_code=303)
    sid = new_session_id()
    web_sessions.open_session(web.store, user.id, sid, SESSION_MAX_AGE_S)
    cookie = web.signer.session_cookie(user.id, user.password_hash, sid)
    web.set_cookie(response, SESSION_COOKIE, cookie, SESSION_MAX_AGE_S)
    response.delete_cookie(PRE_SESSION_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    web = _web(request)
    web.check_csrf(request, csrf_token)
    session = web.signer.read_session(request.cookies.get(SESSION_COOKIE))
    if session is not None:  # ended on the server: a copy of the cookie is worthless from now on
        web_sessions.revoke(web.store, session.sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=web.secure_cookies, httponly=True, samesite="strict")
    return response
