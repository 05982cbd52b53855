"""Who may talk to the server: the Host it was bound to, the token (then a cookie),
a CSRF token on every POST, and headers that keep pages private and offline."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable, Sequence

from aiohttp import web
from aiohttp.typedefs import Middleware

from netsurvey.web.config import FieldConfig

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOKEN_PARAM = "t"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def cookie_name(port: int) -> str:
    """Cookies are per host, not per port: two servers on one laptop keep theirs apart."""
    return f"netsurvey_field_{port}"


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def security_middleware(
    config: FieldConfig,
    allowed_hosts: Iterable[str],
    port: int,
    own_auth_prefixes: Sequence[str] = (),
) -> Middleware:
    """``own_auth_prefixes`` (filled by ``mount_subapp``) are sub-apps that check their
    own credentials (a class test's pupil seats carry their own tokens): they get the
    Host check and the basic headers, not the field token, CSRF or page policy."""
    hosts = frozenset(h.lower() for h in allowed_hosts)
    cookie = cookie_name(port)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if (request.host or "").lower() not in hosts:
            # DNS rebinding or a misdirected request: never answer for another name.
            return _plain(421, "421: this server answers only at the address it printed")
        if any(request.path.startswith(prefix) for prefix in own_auth_prefixes):
            own = await handler(request)
            own.headers.setdefault("X-Content-Type-Options", "nosniff")
            own.headers.setdefault("Referrer-Policy", "no-referrer")
            return own
        by_query = _same(request.query.get(TOKEN_PARAM), config.token)
        if not by_query and not _same(request.cookies.get(cookie), config.token):
            return _plain(
                401, "401: open the url that `netsurvey field` printed (it carries the token)"
            )
        if request.method not in ("GET", "HEAD") and not await _csrf_ok(request, config):
            return _plain(403, "403: the form's CSRF token is missing or wrong; reload the page")
        if by_query and request.method == "GET":
            # The token moves into a cookie and out of the address bar (and history).
            query = {k: v for k, v in request.query.items() if k != TOKEN_PARAM}
            location = request.rel_url.with_query(query)
            response: web.StreamResponse = web.Response(
                status=303, headers={"Location": str(location)}
            )
        else:
            response = await handler(request)
        if by_query:
            response.set_cookie(cookie, config.token, httponly=True, samesite="Strict", path="/")
        _harden(response)
        return response

    return middleware


async def _csrf_ok(request: web.Request, config: FieldConfig) -> bool:
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{(request.host or '').lower()}":
        return False
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return _same(header, config.csrf_token)
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        return isinstance(value, str) and _same(value, config.csrf_token)
    return False


def _plain(status: int, text: str) -> web.Response:
    response = web.Response(status=status, text=text + "\n")
    _harden(response)
    return response


def _harden(response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cache-Control", "no-store")
