"""Where a survey point's scans and link readings come from: the laptop's adapter
(``LiveSource``) or recorded files (``ReplaySource``), behind one small interface."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from netsurvey.errors import UsageError
from probes.base import ProbeResult, RawOutput, Target
from probes.wifi_scan import WifiLinkProbe, WifiScanProbe


@dataclass(frozen=True)
class Reading:
    raw: RawOutput
    result: ProbeResult


class PointSource(Protocol):
    def describe(self) -> str: ...

    async def scan(self, index: int) -> Reading: ...

    async def link(self, moment: str) -> Reading | None:
        """``moment`` is "before", "during" or "after" the point's iperf3 test."""
        ...


async def _run(probe: WifiScanProbe | WifiLinkProbe, params: Mapping[str, str]) -> Reading:
    raw = await probe.collect(Target(), params)
    return Reading(raw, probe.parse(raw))


@dataclass
class LiveSource:
    params: Mapping[str, str] = field(default_factory=dict)  # interface, backend

    def describe(self) -> str:
        return f"live scan on {self.params.get('interface') or 'the first Wi-Fi adapter'}"

    def check(self) -> None:
        """Raise ProbeUnavailable (one sentence) when no live scan can work here."""
        WifiScanProbe().live_requirements(self.params, replay_hint="--replay FILE")

    async def scan(self, index: int) -> Reading:
        return await _run(WifiScanProbe(), self.params)

    async def link(self, moment: str) -> Reading | None:
        return await _run(WifiLinkProbe(), self.params)


@dataclass(frozen=True)
class ReplayScript:
    """A recorded point: scan files (one per scan, reused round-robin) and optional
    ``iw link`` files before and after the iperf3 test (they differ if the laptop roamed)."""

    scans: tuple[Path, ...]
    link: Path | None = None
    link_after: Path | None = None

    @classmethod
    def load(cls, path: Path) -> ReplayScript:
        if path.suffix.lower() != ".json":
            return cls(scans=(path,))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"--replay {path}: not a readable point script ({exc})") from None
        if not isinstance(data, dict) or not data.get("scans"):
            raise UsageError(
                f"--replay {path}: a point script needs 'scans': [files]",
                hint='e.g. {"scans": ["101-a.iw"], "link": "101-link.txt"}',
            )

        def resolve(name: object) -> Path | None:
            return (path.parent / str(name)) if name else None

        scans = tuple(p for p in (resolve(s) for s in data["scans"]) if p is not None)
        return cls(
            scans=scans,
            link=resolve(data.get("link")),
            link_after=resolve(data.get("link_after")) or resolve(data.get("link")),
        )


@dataclass
class ReplaySource:
    script: ReplayScript
    fmt: str | None = None

    def describe(self) -> str:
        return f"replay of {', '.join(p.name for p in self.script.scans)}"

    async def scan(self, index: int) -> Reading:
        path = self.script.scans[index % len(self.script.scans)]
        params = {"replay": str(path)}
        if self.fmt:
            params["format"] = self.fmt
        return await _run(WifiScanProbe(), params)

    async def link(self, moment: str) -> Reading | None:
        path = self.script.link if moment == "before" else self.script.link_after
        if path is None:
            return None
        return await _run(WifiLinkProbe(), {"replay": str(path)})


REPLAY_SUFFIXES = (".json", ".iw", ".txt", ".out", ".pcap", ".cap", ".nmcli", ".iwlist")


def replay_file(folder: Path, room: str, number: int) -> Path:
    """The recording for point ``number`` (1-based) of ``room`` in a replay folder:
    ``ROOM-N.*`` first, else ``ROOM.*`` (the walk's naming; see ``wifi walk --replay``)."""
    for stem in (f"{room}-{number}", room):
        for suffix in REPLAY_SUFFIXES:
            candidate = folder / f"{stem}{suffix}"
            if candidate.is_file():
                return candidate
    raise UsageError(
        f"--replay {folder}: no recording for room {room} point {number}",
        hint=f"add {room}-{number}.json or {room}.json (or a scan file such as {room}.iw)",
    )
