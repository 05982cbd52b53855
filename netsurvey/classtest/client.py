"""The Python seat: the same protocol as the seat page (static/seat.js), step by step.

The lab runs it in the seats that are not real browsers; tests prove that both give
the same per-seat results on the same link. It can also stand in for a device that
has no browser. ``python -m netsurvey.classtest.client JOIN_URL`` prints the seat's
own result as JSON. The fault options let the lab simulate a device that drops out
or a page reloaded during the test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from netsurvey import __version__

POLL_S = 0.5
READ_BYTES = 64 * 1024
USER_AGENT = f"netsurvey-classtest/{__version__} (python {platform.python_version()})"


@dataclass(frozen=True)
class Faults:
    """Simulated misbehaviour, in seconds after the start signal."""

    disconnect_at_s: float | None = None
    reload_at_s: float | None = None


class Reload(Exception):
    """The simulated page reload: drop everything, join again with the same seat key."""


class Disconnect(Exception):
    """The simulated drop-out: stop without a word."""


@dataclass
class Bins:
    """Byte counts per ``bin_s`` since a phase start (local clock)."""

    start_s: float
    bin_s: float
    end_s: float
    counts: list[float] = field(default_factory=list)

    def add(self, count: int, now_s: float) -> None:
        if now_s >= self.end_s:
            return
        index = max(0, int((now_s - self.start_s) / self.bin_s))
        if len(self.counts) <= index:
            self.counts.extend([0.0] * (index + 1 - len(self.counts)))
        self.counts[index] += count

    @property
    def total(self) -> float:
        return sum(self.counts)


def connection_type_towards(url: str) -> str | None:
    """What a browser's ``navigator.connection.type`` would say: wifi / ethernet."""
    from probes.linkinfo import link_for

    host = urlsplit(url).hostname
    if host is None:
        return None
    kind = link_for(host).kind
    return {"wired": "ethernet", "wifi": "wifi"}.get(kind)


class SeatClient:
    def __init__(
        self, join_url: str, *, seat_key: str | None = None, faults: Faults | None = None
    ) -> None:
        self.base = join_url if join_url.endswith("/") else join_url + "/"
        self.seat_key = seat_key or secrets.token_hex(12)
        self.faults = faults or Faults()
        self.seat: int | None = None
        self.instance: str | None = None
        self.upload_payload = os.urandom(1 << 20)

    @property
    def _params(self) -> dict[str, str]:
        return {"instance": self.instance or ""}

    # ------------------------------------------------------------------ protocol

    async def run(self) -> dict[str, Any]:
        """Join, wait for the start, run the schedule, post the samples; the seat's
        own result (or what the server says about it) when the test is done."""
        connector = aiohttp.TCPConnector(limit=6, limit_per_host=6)
        headers = {"User-Agent": USER_AGENT}
        async with aiohttp.ClientSession(connector=connector, headers=headers) as http:
            loop = asyncio.get_running_loop()
            connection_type = await loop.run_in_executor(None, connection_type_towards, self.base)
            reloaded = False
            while True:
                await self._join(http, connection_type)
                try:
                    if reloaded:
                        return await self._wait_done(http)
                    return await self._take_part(http)
                except Reload:
                    reloaded = True

    async def _join(self, http: aiohttp.ClientSession, connection_type: str | None) -> None:
        body = {"seat_key": self.seat_key, "client": "python", "user_agent": USER_AGENT,
                "connection_type": connection_type}  # fmt: skip
        async with http.post(self.base + "api/join", json=body) as response:
            answer = await _json(response)
        self.seat = int(answer["seat"])
        self.instance = str(answer["instance"])

    async def _state(self, http: aiohttp.ClientSession) -> tuple[dict[str, Any], float]:
        async with http.get(self.base + "api/state", params=self._params) as resp:
            answer = await _json(resp)
        return answer, time.monotonic()

    async def _wait_done(self, http: aiohttp.ClientSession) -> dict[str, Any]:
        while True:
            state, _ = await self._state(http)
            if state["state"] == "done":
                return {"seat": self.seat, "role": state.get("role"), "mine": state.get("mine")}
            await asyncio.sleep(POLL_S)

    async def _take_part(self, http: aiohttp.ClientSession) -> dict[str, Any]:
        while True:
            state, received_s = await self._state(http)
            if state["state"] == "done" or state.get("role") != "participant":
                return await self._wait_done(http)
            if state["state"] == "running" and "phases" in state:
                break
            await asyncio.sleep(POLL_S)
        start_signal_s = received_s - float(state["elapsed_s"])
        phases = {p["name"]: (received_s + p["starts_in_s"], p["duration_s"])
                  for p in state["phases"]}  # fmt: skip
        plan = state["plan"]
        test = asyncio.create_task(self._schedule(http, phases, plan))
        watchdog = asyncio.create_task(self._faults(start_signal_s))
        done, _ = await asyncio.wait({test, watchdog}, return_when=asyncio.FIRST_COMPLETED)
        for task in (test, watchdog):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Reload, Disconnect):
                await task
        finished = done.pop()
        error = finished.exception()
        if error is not None:
            raise error
        samples: dict[str, Any] = finished.result() or {}
        async with http.post(self.base + "api/result", params=self._params,
                             json=samples) as response:  # fmt: skip
            await _json(response)
        return await self._wait_done(http)

    async def _faults(self, start_signal_s: float) -> None:
        faults = self.faults
        moments = [(t, exc) for t, exc in ((faults.disconnect_at_s, Disconnect),
                   (faults.reload_at_s, Reload)) if t is not None]  # fmt: skip
        if not moments:
            await asyncio.Event().wait()
        at_s, exception = min(moments, key=lambda item: item[0])
        await asyncio.sleep(max(0.0, start_signal_s + at_s - time.monotonic()))
        raise exception()

    async def _schedule(
        self,
        http: aiohttp.ClientSession,
        phases: dict[str, tuple[float, float]],
        plan: dict[str, Any],
    ) -> dict[str, Any]:
        bin_s = float(plan["bin_s"])
        streams = int(plan["streams_per_seat"])
        rtt: list[float] = []
        (d_start, d_len), (u_start, u_len) = phases["download"], phases["upload"]
        v_start, v_len = phases["video"]
        download = Bins(d_start, bin_s, d_start + d_len)
        await _sleep_until(d_start)
        await _until(d_start + d_len, [
            *(self._download(http, download) for _ in range(streams)),
            self._pings(http, float(plan["rtt_interval_s"]), rtt),
        ])  # fmt: skip
        await _sleep_until(u_start)
        await _until(u_start + u_len, [
            *(self._upload(http, int(plan["upload_chunk_bytes"])) for _ in range(streams)),
            self._pings(http, float(plan["rtt_interval_s"]), rtt),
        ])  # fmt: skip
        await _sleep_until(v_start)
        video = Bins(v_start, bin_s, v_start + v_len)
        stalled_at_s = await self._video(http, video, plan)
        return {
            "download_bins": download.counts,
            "video_bins": video.counts,
            "rtt_s": rtt,
            "video_stalled_at_s": stalled_at_s,
        }

    async def _download(self, http: aiohttp.ClientSession, bins: Bins) -> None:
        url = self.base + "api/download"
        async with http.get(url, params=self._params) as response:
            response.raise_for_status()
            while chunk := await response.content.read(READ_BYTES):
                bins.add(len(chunk), time.monotonic())

    async def _upload(self, http: aiohttp.ClientSession, chunk_bytes: int) -> None:
        url = self.base + "api/upload"
        body = self.upload_payload[:chunk_bytes]
        while True:
            async with http.post(url, params=self._params, data=body) as response:
                if response.status != 200:
                    return
                await response.read()

    async def _pings(self, http: aiohttp.ClientSession, interval_s: float, out: list[float]) -> None:
        url = self.base + "api/ping"
        while True:
            sent = time.monotonic()
            async with http.get(url) as response:
                await response.read()
            out.append(time.monotonic() - sent)
            await asyncio.sleep(max(0.0, interval_s - (time.monotonic() - sent)))

    async def _video(
        self, http: aiohttp.ClientSession, bins: Bins, plan: dict[str, Any]
    ) -> float | None:
        """Pull the paced stream and report progress every ``video_report_s``; stop
        when the server says so (the seat does not fit) or, on its own, once further
        behind than the player buffer. Returns when it stopped (seconds into the
        phase), or None if it watched to the end."""
        rate_bps = float(plan["video_rate_bps"])
        buffer_s = float(plan["player_buffer_s"])
        report_s = float(plan["video_report_s"])
        reader = asyncio.create_task(self._read_video(http, bins))
        try:
            while not reader.done():
                await asyncio.sleep(report_s)
                now = time.monotonic()
                if now >= bins.end_s:
                    break
                behind_s = (now - bins.start_s) - bins.total * 8.0 / rate_bps
                at_s = now - bins.start_s
                if behind_s > buffer_s or await self._report(http, at_s, bins.total, behind_s):
                    return now - bins.start_s
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(reader), bins.end_s + 1.0 - time.monotonic())
            return None
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _read_video(self, http: aiohttp.ClientSession, bins: Bins) -> None:
        with contextlib.suppress(aiohttp.ClientError, OSError):
            async with http.get(self.base + "api/video", params=self._params) as response:
                response.raise_for_status()
                while chunk := await response.content.read(READ_BYTES):
                    bins.add(len(chunk), time.monotonic())

    async def _report(
        self, http: aiohttp.ClientSession, at_s: float, received: float, behind_s: float
    ) -> bool:
        body = {"at_s": at_s, "received_bytes": received, "behind_s": behind_s}
        url = self.base + "api/video-progress"
        async with http.post(url, params=self._params, json=body) as response:
            answer = await _json(response)
        return bool(answer.get("stop"))


async def _sleep_until(moment_s: float) -> None:
    await asyncio.sleep(max(0.0, moment_s - time.monotonic()))


async def _until(end_s: float, jobs: list[Any]) -> None:
    """Run the jobs until ``end_s`` (local clock), then cancel whatever still runs."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        await asyncio.wait(tasks, timeout=max(0.0, end_s - time.monotonic()))
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, aiohttp.ClientError, OSError):
                await task


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    data = await response.json(content_type=None)
    if response.status != 200:
        message = data.get("error") if isinstance(data, dict) else None
        raise aiohttp.ClientResponseError(
            response.request_info, (), status=response.status, message=str(message)
        )
    if not isinstance(data, dict):
        raise aiohttp.ClientPayloadError("expected a JSON object")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m netsurvey.classtest.client",
        description="One class-test seat without a browser (same protocol as the seat page).",
    )
    parser.add_argument("join_url", help="the join URL the technician page shows")
    parser.add_argument("--seat-key", help="keep a seat number across runs (8-64 characters)")
    parser.add_argument("--disconnect-at-s", type=float, metavar="S",
                        help="drop out S seconds after the start (lab fault)")  # fmt: skip
    parser.add_argument("--reload-at-s", type=float, metavar="S",
                        help="reload S seconds after the start (lab fault)")  # fmt: skip
    args = parser.parse_args(argv)
    client = SeatClient(
        args.join_url,
        seat_key=args.seat_key,
        faults=Faults(disconnect_at_s=args.disconnect_at_s, reload_at_s=args.reload_at_s),
    )
    try:
        result = asyncio.run(client.run())
    except Disconnect:
        print(json.dumps({"seat": client.seat, "disconnected": True}))
        return 0
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        print(f"class-test seat: cannot reach {args.join_url}: {exc} "
              "(check the address and that the laptop's server runs)", file=sys.stderr)  # fmt: skip
        return 6
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
