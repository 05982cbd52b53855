"""Start the field companion: bind first (so ``--port 0`` knows its port), print the
``url:`` line (and a QR code with ``--lan``), serve until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from netsurvey.errors import UsageError
from netsurvey.web.app import create_app, mount_class_test
from netsurvey.web.config import FieldConfig

log = logging.getLogger(__name__)
ANY_ADDRESS = "0.0.0.0"
EXIT_TERMINATED = 128 + signal.SIGTERM  # as every netsurvey command ends on SIGTERM
ROUTE_PROBE_ADDRESS = "192.0.2.1"  # TEST-NET-1: a UDP connect picks a route, sends nothing


@dataclass(frozen=True)
class Binding:
    bind_host: str
    url_host: str  # the address printed (and the Host header the server answers)
    lan: bool


def lan_address() -> str:
    """The laptop's address on its default route: a UDP socket's connect() selects the
    source address without sending a packet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((ROUTE_PROBE_ADDRESS, 9))
            address = str(probe.getsockname()[0])
        except OSError:
            address = ""
    if not address or address.startswith("0."):
        raise UsageError(
            "--lan: this laptop has no network address to share",
            hint="join the school's network first, or give --host ADDRESS",
        )
    return address


def choose_binding(host: str | None, lan: bool) -> Binding:
    if host is not None:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise UsageError(
                f"--host {host}: give an IP address (names are not looked up)"
            ) from None
        if not address.is_loopback and not lan:
            raise UsageError(
                f"--host {host} is not a loopback address",
                hint="add --lan to serve other devices on the network",
            )
        if address.is_unspecified:
            return Binding(str(address), lan_address(), lan)
        return Binding(str(address), str(address), lan)
    if lan:
        return Binding(ANY_ADDRESS, lan_address(), True)
    return Binding("127.0.0.1", "127.0.0.1", False)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"--port {port}: cannot listen on {host}:{port} ({exc.strerror})",
            hint="use --port 0 for a free port",
        ) from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def url_of(binding: Binding, port: int, token: str) -> str:
    host = f"[{binding.url_host}]" if ":" in binding.url_host else binding.url_host
    return f"http://{host}:{port}/?t={token}"


def allowed_hosts(binding: Binding, port: int) -> set[str]:
    host = f"[{binding.url_host}]" if ":" in binding.url_host else binding.url_host
    hosts = {f"{host}:{port}"}
    if (
        binding.bind_host in (ANY_ADDRESS, "::")
        or ipaddress.ip_address(binding.url_host).is_loopback
    ):
        hosts |= {f"127.0.0.1:{port}", f"localhost:{port}"}
    return hosts


AppExtension = Callable[[web.Application], None]  # e.g. mount the class test at /class/


def serve(
    config: FieldConfig,
    host: str | None,
    port: int,
    lan: bool,
    wifi_unavailable: str | None,
    extend: AppExtension | None = None,
) -> int:
    binding = choose_binding(host, lan)
    sock = bind_socket(binding.bind_host, port)
    real_port = int(sock.getsockname()[1])
    url = url_of(binding, real_port, config.token)
    return asyncio.run(_serve(config, sock, binding, real_port, url, wifi_unavailable, extend))


async def _serve(
    config: FieldConfig,
    sock: socket.socket,
    binding: Binding,
    port: int,
    url: str,
    wifi_unavailable: str | None,
    extend: AppExtension | None,
) -> int:
    app = create_app(
        config,
        allowed_hosts=allowed_hosts(binding, port),
        port=port,
        lan_url=url if binding.lan else None,
        wifi_unavailable=wifi_unavailable,
    )
    mount_class_test(app)
    if extend is not None:
        extend(app)  # before the app is frozen: sub-apps mount here (app.mount_subapp)
    stop = asyncio.Event()
    stopped_by: list[int] = []

    def request_stop(signum: int) -> None:
        stopped_by.append(signum)
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, request_stop, signum)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.SockSite(runner, sock, shutdown_timeout=2.0)
    await site.start()
    sys.stdout.write(f"url: {url}\n")
    sys.stdout.flush()
    _announce(config, app, url, binding, wifi_unavailable)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    if stopped_by and stopped_by[0] == signal.SIGTERM:
        sys.stderr.write("netsurvey field: terminated; everything saved is in the visit folder\n")
        return EXIT_TERMINATED
    sys.stderr.write("netsurvey field: stopped; everything saved is in the visit folder\n")
    return 0


def _announce(
    config: FieldConfig,
    app: web.Application,
    url: str,
    binding: Binding,
    wifi_unavailable: str | None,
) -> None:
    from netsurvey.web.context import CONTEXT

    ctx = app[CONTEXT]
    lines = [
        f"netsurvey field · {ctx.visit.school.name} · visit {ctx.visit.directory}",
        "open the url above in a browser on this laptop; Ctrl-C stops the server",
    ]
    if config.replay is not None:
        lines.append(f"Wi-Fi scans are replayed from {config.replay}")
    elif wifi_unavailable:
        lines.append(f"Wi-Fi walk unavailable: {wifi_unavailable}")
    if binding.lan:
        from netsurvey.web.qr import qr_terminal

        lines.append("phone on the same network: scan this code (it carries the access token)")
        lines.append(qr_terminal(url))
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()
