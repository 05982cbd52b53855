"""WAN speed with speedtest-cli used as a library.

The library always starts by fetching speedtest.net's configuration and server list.
Both URLs are configurable here (``config_url``, ``servers_url``), and ``server_url``
pins one server (its ``.../upload.php`` URL) instead of picking the nearest ones, so
the same code runs against a chosen national server in the field and a local
speedtest-compatible server in tests. Nothing in the library is patched: a small
subclass fetches from the configured URLs with the library's own opener.

``rtt_ms`` is speedtest-cli's own "ping" (it divides the sum of three ``latency.txt``
GET times by six, i.e. half their mean), kept as is so that results compare with
what speedtest-cli prints everywhere else; ``latency`` measures true RTTs.

Every host contacted (configuration, server list, every candidate server) passes
``target.scope.check`` first, and so does every address it resolves to.

Results recorded elsewhere are evidence too: ``replay`` (a file) reads a speedtest-cli
``--json`` result or the official Ookla Speedtest CLI's ``speedtest -f json`` (its
bandwidths are in bytes/s; ``probes/speedtest_ookla.py`` converts them) instead of
measuring.

Params: ``replay``, ``server_url``, ``config_url``, ``servers_url``, ``server_id``, ``samples``
(default 1), ``threads``, ``timeout_s`` (per HTTP request), ``test_length_s`` (per
direction; speedtest.net says 10), ``secure`` (https for the built-in speedtest.net
URLs), ``pre_allocate`` (upload data in memory; default true). A ``server_url``
without ``config_url`` uses speedtest.net's usual settings built in, so nothing but
that server is contacted.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import ipaddress
import json
import logging
import math
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from probes.base import (
    ProbeFailed,
    ProbeParamError,
    ProbeParseError,
    ProbeRefused,
    ProbeResult,
    ProbeTimeout,
    ProbeUnavailable,
    RawArtifact,
    RawOutput,
    Scope,
    ScopeViolation,
    Target,
    param_bool,
    param_float,
    param_int,
)
from probes.linkinfo import LinkInfo, link_for
from probes.speedtest_ookla import OOKLA_FORMAT, is_ookla, to_speedtest_cli
from probes.stats import percentile

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_URL = "://www.speedtest.net/speedtest-config.php"  # scheme from `secure`
# speedtest.net's own settings, used when a pinned server_url comes without config_url.
BUILTIN_CONFIG_XML = """<?xml version="1.0" encoding="UTF-8"?>
<settings>
<client ip="" lat="0" lon="0" isp="" />
<server-config threadcount="4" ignoreids="" />
<download testlength="10" threadsperurl="4" />
<upload testlength="10" ratio="5" threads="2" maxchunkcount="50" />
</settings>
"""
_UPLOAD_SIZES = (32768, 65536, 131072, 262144, 524288, 1048576, 7340032)
_DOWNLOAD_SIZES = (350, 500, 750, 1000, 1500, 2000, 2500, 3000, 3500, 4000)


def _speedtest_module() -> Any:
    try:
        import speedtest
    except ImportError:
        raise ProbeUnavailable(
            "speedtest-cli is not installed; install it with `pip install speedtest-cli`"
        ) from None
    return speedtest


@dataclass(frozen=True)
class SpeedtestSettings:
    config_url: str | None
    servers_url: str | None
    server_url: str | None
    server_id: int | None
    samples: int
    threads: int | None
    timeout_s: float
    secure: bool
    pre_allocate: bool
    test_length_s: float | None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SpeedtestSettings:
        server_id = params.get("server_id")
        threads = params.get("threads")
        settings = cls(
            config_url=params.get("config_url") or None,
            servers_url=params.get("servers_url") or None,
            server_url=params.get("server_url") or None,
            server_id=param_int(params, "server_id", 0) if server_id else None,
            samples=param_int(params, "samples", 1),
            threads=param_int(params, "threads", 0) if threads else None,
            timeout_s=param_float(params, "timeout_s", 10.0),
            secure=param_bool(params, "secure", False),
            pre_allocate=param_bool(params, "pre_allocate", True),
            test_length_s=param_float(params, "test_length_s", 0.0) or None,
        )
        for key in ("config_url", "servers_url", "server_url"):
            url = getattr(settings, key)
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise ProbeParamError(f"--param {key}={url!r}: expected an http(s):// URL")
        if not 1 <= settings.samples <= 20:
            raise ProbeParamError(f"--param samples={settings.samples}: expected 1..20")
        return settings


# --------------------------------------------------------------------------- scope


def check_url_scope(url: str, scope: Scope) -> None:
    """Refuse a URL whose host, or any address that host resolves to, is out of scope."""
    host = urlsplit(f"http{url}" if url.startswith("://") else url).hostname
    if host is None:
        raise ProbeParamError(f"URL {url!r} has no host")
    scope.check(host)
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ProbeRefused(f"cannot resolve {host} (from {url}): {exc}") from None
    for info in infos:
        scope.check_resolved(host, str(info[4][0]))


# --------------------------------------------------------------------------- library


def config_from_xml(xml: bytes) -> tuple[dict[str, Any], tuple[float, float]]:
    """speedtest-config.php -> (the library's ``config`` dict, client lat/lon).

    The same derivation speedtest-cli 2.1.3 does in ``Speedtest.get_config``."""
    try:
        root = ET.fromstring(xml)
        server_config = root.find("server-config").attrib  # type: ignore[union-attr]
        download = root.find("download").attrib  # type: ignore[union-attr]
        upload = root.find("upload").attrib  # type: ignore[union-attr]
        client = root.find("client").attrib  # type: ignore[union-attr]
        ratio = int(upload["ratio"])
        upload_sizes = list(_UPLOAD_SIZES[ratio - 1 :])
        upload_count = math.ceil(int(upload["maxchunkcount"]) / len(upload_sizes))
        config = {
            "client": client,
            "ignore_servers": [int(i) for i in server_config["ignoreids"].split(",") if i],
            "sizes": {"upload": upload_sizes, "download": list(_DOWNLOAD_SIZES)},
            "counts": {"upload": upload_count, "download": int(download["threadsperurl"])},
            "threads": {
                "upload": int(upload["threads"]),
                "download": int(server_config["threadcount"]) * 2,
            },
            "length": {
                "upload": int(upload["testlength"]),
                "download": int(download["testlength"]),
            },
            "upload_max": upload_count * len(upload_sizes),
        }
        return config, (float(client["lat"]), float(client["lon"]))
    except (ET.ParseError, AttributeError, KeyError, ValueError, IndexError) as exc:
        raise ProbeParseError(f"speedtest configuration not understood: {exc}") from None


def servers_from_xml(xml: bytes) -> list[dict[str, str]]:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ProbeParseError(f"speedtest server list not understood: {exc}") from None
    return [dict(element.attrib) for element in root.iter("server")]


class _ShutdownFlag:
    """The stop flag the library polls (its ``isSet`` spelling; ``threading.Event``
    would warn on every poll)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def isSet(self) -> bool:
        return self._event.is_set()

    def set(self) -> None:
        self._event.set()


def _config_xml(settings: SpeedtestSettings, fetch: Callable[[str], bytes]) -> bytes | None:
    """Configuration XML from our URL, the built-in one, or None to let the library fetch it."""
    if settings.config_url is not None:
        return fetch(settings.config_url)
    if settings.server_url is not None:
        return BUILTIN_CONFIG_XML.encode()  # a pinned server needs no speedtest.net
    return None


def _by_distance(
    listed: list[dict[str, str]],
    wanted_ids: list[int] | None,
    origin: tuple[float, float],
    distance: Callable[[tuple[float, float], tuple[float, float]], float],
) -> dict[float, list[dict[str, Any]]]:
    """Servers grouped by distance from ``origin``, as speedtest-cli keeps them; a server
    without a usable position is skipped."""
    grouped: dict[float, list[dict[str, Any]]] = {}
    for attrib in listed:
        if wanted_ids and int(attrib.get("id", -1)) not in wanted_ids:
            continue
        try:
            where = (float(attrib["lat"]), float(attrib["lon"]))
        except (KeyError, ValueError):
            continue
        d = distance(origin, where)
        grouped.setdefault(d, []).append({**attrib, "d": d})
    return grouped


def _build_client(settings: SpeedtestSettings, shutdown: _ShutdownFlag) -> Any:
    """A ``speedtest.Speedtest`` that fetches configuration and servers from our URLs."""
    speedtest = _speedtest_module()

    library_client: Any = speedtest.Speedtest

    class ConfiguredSpeedtest(library_client):  # type: ignore[misc]
        def _fetch(self, url: str) -> bytes:
            request = speedtest.build_request(url, secure=self._secure)
            response, error = speedtest.catch_request(request, opener=self._opener)
            if error:
                raise ProbeRefused(f"cannot fetch {url}: {error}")
            try:
                data: bytes = speedtest.get_response_stream(response).read()
            finally:
                response.close()
            return data

        def get_config(self) -> dict[str, Any]:
            xml = _config_xml(settings, self._fetch)
            if xml is None:
                config: dict[str, Any] = super().get_config()
                self._override_length()
                return config
            config, self.lat_lon = config_from_xml(xml)
            self.config.update(config)
            self._override_length()
            return self.config  # type: ignore[no-any-return]

        def _override_length(self) -> None:
            if settings.test_length_s is not None:
                length = int(settings.test_length_s)
                self.config["length"] = {"upload": length, "download": length}

        def get_servers(
            self, servers: list[int] | None = None, exclude: list[int] | None = None
        ) -> dict[float, list[dict[str, Any]]]:
            if settings.servers_url is None:
                found: dict[float, list[dict[str, Any]]] = super().get_servers(servers, exclude)
                return found
            self.servers.clear()
            listed = servers_from_xml(self._fetch(settings.servers_url))
            self.servers.update(_by_distance(listed, servers, self.lat_lon, speedtest.distance))
            return self.servers  # type: ignore[no-any-return]

    return ConfiguredSpeedtest(
        timeout=settings.timeout_s, shutdown_event=shutdown, secure=settings.secure
    )


def _pinned_server(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    return {"url": url, "host": parts.netloc, "name": parts.hostname, "sponsor": None,
            "country": None, "cc": None, "id": None, "d": None, "latency": None}  # fmt: skip


def _choose_servers(client: Any, settings: SpeedtestSettings, scope: Scope) -> list[dict[str, Any]]:
    if settings.server_url is not None:
        if settings.servers_url is not None:  # take the pinned server's identity from the list
            client.get_servers()
            listed = [s for group in client.servers.values() for s in group]
            matching = [s for s in listed if s.get("url") == settings.server_url]
            if matching:
                return matching[:1]
        return [_pinned_server(settings.server_url)]
    client.get_servers([settings.server_id] if settings.server_id else None)
    candidates = client.get_closest_servers(limit=5)
    allowed = [s for s in candidates if scope.allows(urlsplit(s["url"]).hostname or "")]
    if not allowed:
        names = ", ".join(str(urlsplit(s["url"]).hostname) for s in candidates) or "none"
        raise ScopeViolation(
            f"no speedtest server in scope (nearest: {names}); pin one with "
            "--param server_url=URL and add its host to the scope"
        )
    return allowed


def _measure(settings: SpeedtestSettings, scope: Scope, shutdown: _ShutdownFlag) -> list[bytes]:
    speedtest = _speedtest_module()
    try:
        client = _build_client(settings, shutdown)
        servers = _choose_servers(client, settings, scope)
        for server in servers:
            check_url_scope(server["url"], scope)
        best = client.get_best_server(servers)
        if best.get("latency", 0) >= 3600:
            raise ProbeRefused(f"speedtest server {best.get('host')} did not answer latency.txt")
        interface = _interface_towards(str(best.get("url", "")))
        samples = []
        for _ in range(settings.samples):
            rx_before = _interface_bytes(interface, "rx")
            started = time.monotonic()
            client.download(threads=settings.threads)
            download_s = time.monotonic() - started
            rx_after = _interface_bytes(interface, "rx")
            tx_before = _interface_bytes(interface, "tx")
            started = time.monotonic()
            client.upload(threads=settings.threads, pre_allocate=settings.pre_allocate)
            upload_s = time.monotonic() - started
            tx_after = _interface_bytes(interface, "tx")
            if shutdown.isSet():
                raise ProbeTimeout("speedtest ran over its time limit")
            result = client.results.dict()
            result["duration_s"] = {"download": download_s, "upload": upload_s}
            result["wire"] = {
                "interface": interface,
                "download_bytes": _delta(rx_before, rx_after),
                "upload_bytes": _delta(tx_before, tx_after),
            }
            samples.append(json.dumps(result, default=str).encode())
        return samples
    except speedtest.ConfigRetrievalError as exc:
        raise ProbeRefused(f"cannot fetch the speedtest configuration: {exc}") from None
    except speedtest.SpeedtestBestServerFailure as exc:
        raise ProbeRefused(f"no speedtest server answered: {exc}") from None
    except speedtest.SpeedtestException as exc:
        raise ProbeFailed(f"speedtest failed: {type(exc).__name__}: {exc}") from None


def _interface_towards(url: str) -> str | None:
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        return link_for(host).interface
    except (OSError, ValueError):
        return None


def _interface_bytes(interface: str | None, direction: str) -> int | None:
    """The kernel's byte counter of the interface (wire truth, headers included)."""
    if interface is None:
        return None
    try:
        return int(Path(f"/sys/class/net/{interface}/statistics/{direction}_bytes").read_text())
    except (OSError, ValueError):
        return None


def _delta(before: int | None, after: int | None) -> int | None:
    if before is None or after is None or after < before:
        return None
    return after - before


# Payload share of a full-size TCP segment on Ethernet (1448 of 1514 bytes on the wire).
TCP_PAYLOAD_RATIO = 1448 / 1514


def wire_upload_bps(result: Mapping[str, Any]) -> float | None:
    """speedtest-cli's upload rate with its byte count capped at what really left the
    interface: same timing window as speedtest-cli (bytes_sent / upload), but bytes
    still queued in socket buffers when it stopped the clock do not count."""
    wire = result.get("wire")
    claimed_bytes = result.get("bytes_sent")
    claimed_bps = result.get("upload")
    if not isinstance(wire, Mapping):
        return None
    wire_bytes = wire.get("upload_bytes")
    numbers = (wire_bytes, claimed_bytes, claimed_bps)
    if not all(isinstance(n, (int, float)) and n > 0 for n in numbers):
        return None
    window_s = float(claimed_bytes) * 8 / float(claimed_bps)  # type: ignore[arg-type]
    payload_bytes = min(float(claimed_bytes), float(wire_bytes) * TCP_PAYLOAD_RATIO)  # type: ignore[arg-type]
    return payload_bytes * 8 / window_s


# --------------------------------------------------------------------------- parsing


def _documents(text: str, name: str) -> list[tuple[str, Any]]:
    """The JSON values of ``text``: one (possibly pretty-printed) document, or JSON lines."""
    try:
        return [(name, json.loads(text))]
    except (ValueError, RecursionError):
        pass  # not one document: read it line by line
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            documents.append((f"{name}:{number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ProbeParseError(f"{name}:{number}: not JSON ({exc.msg})") from None
        except (ValueError, RecursionError) as exc:  # 4300+ digit number, nesting too deep
            raise ProbeParseError(f"{name}:{number}: not readable JSON ({exc})") from None
    return documents


def parse_speedtest_json(data: bytes | str, name: str = "speedtest JSON") -> list[dict[str, Any]]:
    """speedtest-cli ``--json`` output (one object, or JSON lines) or Ookla Speedtest CLI
    ``-f json|json-pretty|jsonl`` output -> result dicts in speedtest-cli's shape
    (bandwidths in bit/s). Anything else is refused with the formats it could be."""
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    results = []
    ookla_progress = 0
    for where, document in _documents(text, name):
        if is_ookla(document):
            if document.get("type") not in ("result", "log"):
                ookla_progress += 1
                continue
            results.append(to_speedtest_cli(document, where))
            continue
        if not isinstance(document, dict) or not isinstance(document.get("download"), (int, float)):
            raise ProbeParseError(
                f"{where}: neither a speedtest-cli --json result (download in bit/s) nor an "
                f"{OOKLA_FORMAT} result"
            )
        results.append(document)
    if not results and ookla_progress:
        raise ProbeParseError(
            f"{name}: {OOKLA_FORMAT} progress lines but no result line (the test did not finish)"
        )
    if not results:
        raise ProbeParseError(f"{name}: empty")
    return results


MAX_REPLAY_BYTES = 10_000_000


def read_replay(path_text: str) -> RawOutput:
    """A result file recorded elsewhere (speedtest-cli --json, or Ookla's ``speedtest -f
    json``) kept as this record's evidence; refused now if neither tool wrote it."""
    path = Path(path_text)
    try:
        if path.stat().st_size > MAX_REPLAY_BYTES:
            raise ProbeParamError(f"--param replay={path}: too big for a speedtest result")
        data = path.read_bytes()
    except OSError as exc:
        raise ProbeParamError(
            f"--param replay={path}: cannot read ({exc.strerror}); give a speedtest-cli --json "
            f"or {OOKLA_FORMAT} result file"
        ) from None
    results = parse_speedtest_json(data, path.name)
    tool = "ookla-speedtest" if results[0].get("format") == "ookla" else "speedtest-cli"
    return RawOutput(
        artifacts=(RawArtifact(f"replay-{path.stem}.json", data, "application/json"),),
        tool=f"replay:{tool}",
        meta={"replay": path.name},
    )


def _positive(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number > 0 else None


def _p50(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return percentile(present, 50)


def _server_identity(server: Any) -> dict[str, Any]:
    server = server if isinstance(server, Mapping) else {}
    return {key: server.get(key) for key in ("id", "name", "host", "sponsor", "country", "url")}


class SpeedtestProbe:
    name: ClassVar[str] = "speedtest"
    summary: ClassVar[str] = "WAN download/upload/latency with speedtest-cli (configurable server)"
    loads_link: ClassVar[bool] = True
    max_concurrency: ClassVar[int] = 1
    default_timeout_s: ClassVar[float] = 180.0

    def check(self) -> None:
        _speedtest_module()

    async def collect(self, target: Target, params: Mapping[str, str]) -> RawOutput:
        if params.get("replay"):
            return read_replay(params["replay"])
        settings = SpeedtestSettings.from_params(params)
        if settings.config_url is not None or settings.server_url is None:
            check_url_scope(settings.config_url or DEFAULT_CONFIG_URL, target.scope)
        if settings.servers_url is not None:
            check_url_scope(settings.servers_url, target.scope)
        if settings.server_url is not None:
            check_url_scope(settings.server_url, target.scope)
        shutdown = _ShutdownFlag()
        try:
            samples = await asyncio.to_thread(_measure, settings, target.scope, shutdown)
        finally:
            shutdown.set()  # stops the library's threads if we were cancelled
        server_host = urlsplit(json.loads(samples[0]).get("server", {}).get("url", "")).hostname
        link = await asyncio.to_thread(link_for, server_host) if server_host else None
        artifacts = tuple(
            RawArtifact(f"speedtest-{index}.json", data, "application/json")
            for index, data in enumerate(samples, start=1)
        )
        return RawOutput(
            artifacts=artifacts,
            tool="speedtest-cli",
            tool_version=importlib.metadata.version("speedtest-cli"),
            meta={
                "settings": asdict(settings),
                "link": None if link is None else link.to_json(),
            },
        )

    def parse(self, raw: RawOutput) -> ProbeResult:
        results = [
            result
            for artifact in raw.artifacts
            if artifact.name.endswith(".json")
            for result in parse_speedtest_json(artifact.data, artifact.name)
        ]
        downloads = [_positive(r.get("download")) for r in results]
        uploads = [_positive(r.get("upload")) for r in results]
        overcounted = []
        for index, result in enumerate(results):
            wire_bps = wire_upload_bps(result)
            reported = uploads[index]
            if wire_bps is not None and reported is not None and reported > wire_bps * 1.05:
                overcounted.append((reported, wire_bps))
                uploads[index] = wire_bps
        pings = [_positive(r.get("ping")) for r in results]
        rtt_ms = _p50(pings)
        download_bps = _p50(downloads)
        metrics: dict[str, float | None] = {
            "download_bps": download_bps,
            "upload_bps": _p50(uploads),
            "rtt_ms": rtt_ms,
            "rtt_s": None if rtt_ms is None else rtt_ms / 1000,
            "download_p10_bps": _percentile(downloads, 10),
            "download_p90_bps": _percentile(downloads, 90),
            "upload_p10_bps": _percentile(uploads, 10),
            "upload_p90_bps": _percentile(uploads, 90),
        }
        servers = [_server_identity(r.get("server") or {}) for r in results]
        details: dict[str, Any] = {
            "format": "ookla" if results[-1].get("format") == "ookla" else "speedtest-cli",
            "server": servers[-1],
            "samples": [
                _sample_summary(d, u, p, r)
                for d, u, p, r in zip(downloads, uploads, pings, results, strict=True)
            ],
            "client": results[-1].get("client"),
        }
        warnings = []
        for reported, wire_bps in overcounted:
            warnings.append(
                f"speedtest-cli reported {reported / 1e6:.1f} Mbit/s upload, but only "
                f"{wire_bps / 1e6:.1f} Mbit/s left the interface (data still queued in socket "
                "buffers was counted as sent); the interface figure is used"
            )
        if len({str(s.get("id")) for s in servers}) > 1:
            warnings.append("samples used different servers; pin one with --param server_url")
        link = raw.meta.get("link")
        if isinstance(link, dict):
            info = LinkInfo.from_json(link)
            details["link"] = info.to_json(download_bps)
            if details["link"]["limited_by_laptop"]:
                warnings.append(
                    "download is close to the laptop's own link speed: the laptop, not the "
                    "internet connection, may be the limit"
                )
            if info.kind == "wifi":
                warnings.append(
                    f"measured over Wi-Fi (BSSID {info.bssid or 'unknown'}); plug in a cable "
                    "to measure the internet connection alone"
                )
        for index, (down, up) in enumerate(zip(downloads, uploads, strict=True), start=1):
            missing = [name for name, v in (("download", down), ("upload", up)) if v is None]
            if missing:
                warnings.append(
                    f"sample {index} of {len(results)} has no {' or '.join(missing)} figure "
                    "(zero or absent in the result); left out of the median"
                )
        ok = download_bps is not None or metrics["upload_bps"] is not None
        return ProbeResult(
            metrics=metrics,
            details=details,
            status="ok" if ok else "invalid",
            warnings=tuple(warnings),
        )


def _sample_summary(
    download_bps: float | None,
    upload_bps: float | None,
    rtt_ms: float | None,
    result: dict[str, Any],
) -> dict[str, Any]:
    return {
        "download_bps": download_bps,
        "upload_bps": upload_bps,
        "rtt_ms": rtt_ms,
        "timestamp": result.get("timestamp"),
        "bytes_received": result.get("bytes_received"),
        "bytes_sent": result.get("bytes_sent"),
        "duration_s": result.get("duration_s"),
        "jitter_ms": result.get("jitter_ms"),
        "packet_loss_ratio": result.get("packet_loss_ratio"),
        "result_url": result.get("result_url"),
    }


def _percentile(values: list[float | None], q: float) -> float | None:
    present = [v for v in values if v is not None]
    return percentile(present, q)
