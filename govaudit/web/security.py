"""Passwords, sessions, CSRF tokens, login rate limiting and the security headers of every response.

Sessions are signed cookies (itsdangerous) naming a server-side row (storage.web_sessions): the cookie
carries the user id, a random session id and a fingerprint of the password hash; logout revokes the
row, and changing a password revokes every row of the account (the fingerprint would end them too).
CSRF tokens are an HMAC of the session id (synchroniser token without server state); before sign-in a
short "pre-session" cookie plays the session's part, so the login form is protected too.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "govaudit_session"
PRE_SESSION_COOKIE = "govaudit_pre"
SESSION_MAX_AGE_S = 8 * 3600  # one working day
PRE_SESSION_MAX_AGE_S = 3600

# Sign-in rate limits: govaudit/web/throttle.py.

# The app is server-rendered and works without JavaScript; the one script is the review pages'
# keyboard shortcuts, a static file of our own: no inline script, no eval. Inline SVG charts use
# presentation attributes, not style attributes, so style-src needs no 'unsafe-inline' either.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    # Evidence links lead to government sites: they must not learn the app's URLs (country, question).
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the account does not exist, so a wrong name costs as long as a wrong password.
    Made at the first such sign-in, not at import: every process that imports the web app (a CLI
    command, each test worker) would otherwise pay for an argon2 hash it never uses."""
    return hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(_hasher), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def hash_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class SessionData:
    user_id: int
    sid: str
    fingerprint: str


class Signer:
    """Signs the session and pre-session cookies and derives CSRF tokens, all from one secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the secret key needs at least 32 characters")
        self._secret = secret.encode()
        self._session = URLSafeTimedSerializer(secret, salt="govaudit.session")
        self._pre = URLSafeTimedSerializer(secret, salt="govaudit.pre-session")

    def session_cookie(self, user_id: int, password_hash: str, sid: str | None = None) -> str:
        """`sid`: the session's random token, also recorded server-side (storage.web_sessions)."""
        payload = {"u": user_id, "s": sid or new_session_id(), "f": hash_fingerprint(password_hash)}
        return self._session.dumps(payload)

    def read_session(self, cookie: str | None) -> SessionData | None:
        data = self._loads(self._session, cookie, SESSION_MAX_AGE_S)
        if not isinstance(data, dict) or not {"u", "s", "f"} <= data.keys():
            return None
        return SessionData(int(data["u"]), str(data["s"]), str(data["f"]))

    def pre_session_cookie(self) -> tuple[str, str]:
        sid = secrets.token_urlsafe(16)
        return sid, self._pre.dumps(sid)

    def read_pre_session(self, cookie: str | None) -> str | None:
        sid = self._loads(self._pre, cookie, PRE_SESSION_MAX_AGE_S)
        return sid if isinstance(sid, str) else None

    def csrf_token(self, sid: str) -> str:
        return hmac.new(self._secret, b"csrf|" + sid.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, sid: str | None, token: str | None) -> bool:
        if not sid or not token:
            return False
        return hmac.compare_digest(self.csrf_token(sid), token)

    @staticmethod
    def _loads(serializer: URLSafeTimedSerializer, cookie: str | None, max_age: int) -> Any:
        if not cookie:
            return None
        try:
            return serializer.loads(cookie, max_age=max_age)
        except BadSignature:  # includes SignatureExpired
            return None
