"""``create_app``: the field companion's aiohttp application.

Sub-applications (the class test of issue #19) mount under their own prefix with
``mount_subapp``; they inherit the same security middleware (token, CSRF, Host) and
reach the shared ``FieldContext`` through ``CONTEXT`` on their parent app.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import jinja2
from aiohttp import web

from netsurvey.web import dashboard, power, results, wifi
from netsurvey.web.config import FieldConfig
from netsurvey.web.context import CLASS_TEST_PAGE, CONTEXT, FieldContext
from netsurvey.web.events import Broker, watch_records
from netsurvey.web.security import security_middleware
from netsurvey.web.survey import SurveyRunner
from netsurvey.web.visit import FieldVisit

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"
CLASS_TEST_PREFIX = "/class/"  # where the class test (issue #19) will be mounted
MAX_UPLOAD_BYTES = 24 * 1024 * 1024  # a phone photo with room to spare
OWN_AUTH_PREFIXES = web.AppKey("netsurvey_field_own_auth_prefixes", list[str])


def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(("html", "svg")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(
    config: FieldConfig,
    *,
    allowed_hosts: Iterable[str],
    port: int,
    lan_url: str | None = None,
    wifi_unavailable: str | None = None,
) -> web.Application:
    """The whole app; the visit is opened (or created) here, from the files only."""
    visit = FieldVisit.open(config)
    broker = Broker()
    context = FieldContext(
        config=config,
        visit=visit,
        broker=broker,
        survey=SurveyRunner(visit, config.only, broker),
        templates=templates(),
        lan_url=lan_url,
        wifi_unavailable=wifi_unavailable,
    )
    own_auth_prefixes: list[str] = []  # filled by mount_subapp(..., own_auth=True)
    app = web.Application(
        middlewares=[security_middleware(config, allowed_hosts, port, own_auth_prefixes)],
        client_max_size=MAX_UPLOAD_BYTES,
    )
    app[CONTEXT] = context
    app[OWN_AUTH_PREFIXES] = own_auth_prefixes
    for module in (dashboard, wifi, power, results):
        app.add_routes(module.routes())
    app.router.add_static("/static/", STATIC_DIR, follow_symlinks=False, append_version=False)
    app.cleanup_ctx.append(_background)
    return app


def mount_class_test(app: web.Application) -> None:
    """The whole-class test (``netsurvey.classtest``) at ``/class/``: pupils' devices
    join with the session's own token; the technician's page is linked in the nav."""
    from netsurvey.classtest.mount import class_test_for_visit

    context = app[CONTEXT]
    service, subapp = class_test_for_visit(
        context.visit.directory, join_base_url=None, profile=context.config.profile
    )
    mount_subapp(app, CLASS_TEST_PREFIX, subapp, own_auth=True)
    context.cache[CLASS_TEST_PAGE] = CLASS_TEST_PREFIX + service.technician_path()


def mount_subapp(
    app: web.Application, prefix: str, subapp: web.Application, *, own_auth: bool = False
) -> None:
    """The hook for sub-applications such as the class test (``CLASS_TEST_PREFIX``).
    A sub-app finds the field context with ``request.config_dict[CONTEXT]``. By default
    it sits behind the field token, CSRF and Host checks like every page here; with
    ``own_auth`` (pupils' devices that never saw the field token) only the Host check
    stays and the sub-app checks its own credentials."""
    if not prefix.startswith("/") or not prefix.endswith("/"):
        raise ValueError(f"sub-app prefix {prefix!r}: write it as /name/")
    if own_auth:
        app[OWN_AUTH_PREFIXES].append(prefix)
    app.add_subapp(prefix, subapp)


async def _background(app: web.Application) -> AsyncIterator[None]:
    context = app[CONTEXT]
    watcher = asyncio.create_task(watch_records(context.visit.version, context.broker))
    yield
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    await context.survey.stop()
    context.visit.seal()
