"""Results of Ookla's official Speedtest CLI (``speedtest -f json|json-pretty|jsonl``).

That CLI is not speedtest-cli: its machine formats give bandwidths in BYTES per
second (``download.bandwidth``), latency under ``ping.latency`` (ms), packet loss in
percent. ``to_speedtest_cli`` turns one ``"type": "result"`` object into the
speedtest-cli ``--json`` shape the speedtest probe reads (bit/s, ``ping`` in ms), so
both tools' results are the same evidence. Progress lines of ``-f jsonl`` are
skipped; an error log line is refused with its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from probes.base import ProbeParseError

OOKLA_FORMAT = "Ookla Speedtest CLI JSON (speedtest -f json)"
OOKLA_TYPES = ("result", "log", "testStart", "ping", "download", "upload")


def is_ookla(document: Any) -> bool:
    return isinstance(document, Mapping) and document.get("type") in OOKLA_TYPES


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _section(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key)
    return value if isinstance(value, Mapping) else {}


def _bits_per_s(section: Mapping[str, Any]) -> float | None:
    bytes_per_s = _number(section.get("bandwidth"))
    return None if bytes_per_s is None else bytes_per_s * 8


def to_speedtest_cli(document: Mapping[str, Any], where: str) -> dict[str, Any]:
    """One Ookla ``result`` object in speedtest-cli's shape; other types raise."""
    kind = document.get("type")
    if kind == "log":
        level = document.get("level") or "log"
        raise ProbeParseError(
            f"{where}: {OOKLA_FORMAT} reported an {level}: {document.get('message') or '?'}"
        )
    if kind != "result":
        raise ProbeParseError(f"{where}: {OOKLA_FORMAT} progress line, not a result")
    download, upload = _section(document, "download"), _section(document, "upload")
    if _bits_per_s(download) is None and _bits_per_s(upload) is None:
        raise ProbeParseError(
            f"{where}: {OOKLA_FORMAT} result without download.bandwidth or upload.bandwidth"
        )
    ping = _section(document, "ping")
    server = _section(document, "server")
    loss_percent = _number(document.get("packetLoss"))
    return {
        "format": "ookla",
        "download": _bits_per_s(download),
        "upload": _bits_per_s(upload),
        "ping": _number(ping.get("latency")),
        "jitter_ms": _number(ping.get("jitter")),
        "packet_loss_ratio": None if loss_percent is None else loss_percent / 100,
        "timestamp": document.get("timestamp"),
        "bytes_received": _number(download.get("bytes")),
        "bytes_sent": _number(upload.get("bytes")),
        "server": {
            "id": server.get("id"),
            "name": server.get("location") or server.get("name"),
            "sponsor": server.get("name"),
            "host": server.get("host"),
            "country": server.get("country"),
            "url": None,
        },
        "client": {"isp": document.get("isp")},
        "result_url": _section(document, "result").get("url"),
    }
