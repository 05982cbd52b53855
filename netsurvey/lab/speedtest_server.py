"""A local server that speaks speedtest.net's HTTP protocol, for an unmodified
speedtest-cli.

Endpoints (what speedtest-cli 2.1.3 asks for, in order):

* ``/speedtest-config.php`` – client location and test lengths/threads (XML);
* ``/speedtest-servers-static.php``, ``/speedtest-servers.php`` – the server list,
  one entry pointing back at this server;
* ``/speedtest/latency.txt`` – ``test=test``;
* ``/speedtest/randomNxN.jpg`` – incompressible bytes of the real files' sizes;
* ``/speedtest/upload.php`` – POST sink answering ``size=N``.

``SpeedtestServer`` runs it in a thread of this process (loopback);
``SpeedtestServerProcess`` runs it inside a namespace (``python -m
netsurvey.lab.speedtest_server --bind IP --port N``), where ``/etc/netns/NAME/hosts``
can point ``www.speedtest.net`` at it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from netsurvey.errors import LabError
from netsurvey.lab.netns import Namespace
from netsurvey.lab.ports import free_port
from netsurvey.lab.process import ManagedProcess, Peer

logger = logging.getLogger(__name__)

# Sizes of speedtest.net's random{N}x{N}.jpg files, in bytes.
IMAGE_BYTES: dict[int, int] = {
    350: 245_388,
    500: 505_544,
    750: 1_118_012,
    1000: 1_986_284,
    1500: 4_468_241,
    2000: 7_907_740,
    2500: 12_407_926,
    3000: 17_816_816,
    3500: 24_262_167,
    4000: 31_625_365,
}
_BLOCK_BYTES = 1 << 20
_IMAGE_PATH = re.compile(r"^/(?:.*/)?random(\d+)x\1\.jpg$")
READY_MARKER = "speedtest server listening"


@dataclass(frozen=True)
class SpeedtestServerConfig:
    """What the server tells clients: where they are, how long and wide to test."""

    server_id: int = 4242
    name: str = "Riga (lab)"
    sponsor: str = "netsurvey lab"
    country: str = "Latvia"
    country_code: str = "LV"
    lat: float = 56.9496
    lon: float = 24.1052
    client_ip: str = "198.18.0.1"
    client_isp: str = "netsurvey lab ISP"
    test_length_s: int = 4
    download_threads: int = 2  # speedtest-cli doubles this
    upload_threads: int = 4
    upload_ratio: int = 5  # first upload size 512 KiB
    upload_max_chunks: int = 30

    def config_xml(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<settings>\n'
            f'<client ip="{self.client_ip}" lat="{self.lat}" lon="{self.lon}" '
            f'isp="{self.client_isp}" isprating="3.7" rating="0" ispdlavg="0" '
            'ispulavg="0" loggedin="0" country="LV" />\n'
            f'<server-config threadcount="{self.download_threads}" ignoreids="" '
            'notonmap="" forcepingid="" preferredserverid="" />\n'
            f'<download testlength="{self.test_length_s}" initialtest="250K" '
            'mintestsize="250K" threadsperurl="4" />\n'
            f'<upload testlength="{self.test_length_s}" ratio="{self.upload_ratio}" '
            'initialtest="0" mintestsize="32K" threads="'
            f'{self.upload_threads}" maxchunksize="512K" '
            f'maxchunkcount="{self.upload_max_chunks}" threadsperurl="4" />\n'
            "</settings>\n"
        )

    def servers_xml(self, host_port: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<settings>\n<servers>\n'
            f'<server url="http://{host_port}/speedtest/upload.php" lat="{self.lat}" '
            f'lon="{self.lon}" name="{self.name}" country="{self.country}" '
            f'cc="{self.country_code}" sponsor="{self.sponsor}" id="{self.server_id}" '
            f'host="{host_port}" />\n'
            "</servers>\n</settings>\n"
        )


class _Handler(BaseHTTPRequestHandler):
    server_version = "netsurvey-speedtest/1"
    protocol_version = "HTTP/1.1"
    config: ClassVar[SpeedtestServerConfig]
    block: ClassVar[bytes]

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        host = self.headers.get("Host") or "localhost"
        if path.endswith("/speedtest-config.php"):
            self._send_text(self.config.config_xml(), "text/xml")
        elif path.endswith(("/speedtest-servers-static.php", "/speedtest-servers.php")):
            self._send_text(self.config.servers_xml(host), "text/xml")
        elif path.endswith("/latency.txt"):
            self._send_text("test=test", "text/plain")
        elif match := _IMAGE_PATH.match(path):
            size = IMAGE_BYTES.get(int(match.group(1)))
            if size is None:
                self.send_error(404)
            else:
                self._send_image(size)
        elif path.rstrip("/") in ("", "/speedtest"):
            self._send_text("netsurvey lab speedtest server", "text/plain")
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        if not urlsplit(self.path).path.endswith("/upload.php"):
            self.send_error(404)
            return
        remaining = int(self.headers.get("Content-Length") or 0)
        received = 0
        with contextlib.suppress(ConnectionError, TimeoutError):
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    break
                received += len(chunk)
                remaining -= len(chunk)
        self._send_text(f"size={received}", "text/plain")

    def _send_text(self, text: str, media_type: str) -> None:
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_image(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        remaining = size
        with contextlib.suppress(ConnectionError, TimeoutError):
            while remaining > 0:
                chunk = self.block[: min(remaining, len(self.block))]
                self.wfile.write(chunk)
                remaining -= len(chunk)


def make_server(
    bind: str, port: int, config: SpeedtestServerConfig | None = None
) -> ThreadingHTTPServer:
    handler = type(
        "SpeedtestHandler",
        (_Handler,),
        {"config": config or SpeedtestServerConfig(), "block": os.urandom(_BLOCK_BYTES)},
    )
    server = ThreadingHTTPServer((bind, port), handler)
    server.daemon_threads = True
    return server


class _Urls:
    """The URLs speedtest-cli needs, for a server on ``bind:port``."""

    bind: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.bind}:{self.port}"

    @property
    def config_url(self) -> str:
        return f"{self.base_url}/speedtest-config.php"

    @property
    def servers_url(self) -> str:
        return f"{self.base_url}/speedtest-servers.php"

    @property
    def server_url(self) -> str:
        return f"{self.base_url}/speedtest/upload.php"


class SpeedtestServer(_Urls, Peer):
    """In-process server on loopback: ``with SpeedtestServer() as s: s.config_url``."""

    def __init__(
        self,
        *,
        bind: str = "127.0.0.1",
        port: int | None = None,
        config: SpeedtestServerConfig | None = None,
    ) -> None:
        self.bind = bind
        self.port = port or free_port("tcp", bind)
        self.config = config or SpeedtestServerConfig()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SpeedtestServer:
        try:
            self._server = make_server(self.bind, self.port, self.config)
        except OSError as exc:
            raise LabError(
                f"speedtest server cannot listen on {self.bind}:{self.port}: {exc}"
            ) from None
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="speedtest-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


class SpeedtestServerProcess(_Urls, Peer):
    """The same server as a child process inside a namespace (port 80 by default, so
    speedtest-cli's built-in ``http://www.speedtest.net/...`` URLs reach it through
    the namespace's hosts file)."""

    def __init__(
        self,
        namespace: Namespace,
        *,
        bind: str,
        port: int = 80,
        test_length_s: int = 4,
        log_dir: Path | None = None,
    ) -> None:
        self.namespace = namespace
        self.bind = bind
        self.port = port
        self.test_length_s = test_length_s
        self.log_dir = log_dir
        self._process: ManagedProcess | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, ready_timeout_s: float = 10.0) -> SpeedtestServerProcess:
        argv = [sys.executable, "-m", "netsurvey.lab.speedtest_server", "--bind", self.bind,
                "--port", str(self.port), "--test-length", str(self.test_length_s)]  # fmt: skip
        process = self.namespace.process(argv, name=f"speedtest-{self.port}", log_dir=self.log_dir)
        self._process = process
        process.wait_until(lambda: READY_MARKER in process.log_tail(), ready_timeout_s)
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="local speedtest.net-compatible server")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--test-length", type=int, default=4, help="seconds per direction")
    args = parser.parse_args(argv)
    config = SpeedtestServerConfig(test_length_s=args.test_length)
    server = make_server(args.bind, args.port, config)
    print(f"{READY_MARKER} on {args.bind}:{args.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
