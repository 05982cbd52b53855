"""Server-sent events: every open page gets what changed (records appended, survey
progress) and refreshes the parts it shows."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

HEARTBEAT_S = 15.0
WATCH_INTERVAL_S = 0.5


class Broker:
    """Fan-out of events to the open pages; a slow page drops events, never blocks."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[str]] = set()

    def publish(self, event: str, data: dict[str, Any]) -> None:
        message = f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(message)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
        )
        await response.prepare(request)
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=100)
        self._queues.add(queue)
        try:
            await response.write(b"retry: 1000\n\n")
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    message = ": heartbeat\n\n"
                await response.write(message.encode("utf-8"))
        except ConnectionResetError:
            pass
        finally:
            self._queues.discard(queue)
        return response


async def watch_records(version: Callable[[], str], broker: Broker) -> None:
    """Announce every change of measurements.jsonl, whoever wrote it (this server, a
    second tab, or `netsurvey wifi point` in a terminal)."""
    seen = version()
    while True:
        await asyncio.sleep(WATCH_INTERVAL_S)
        now = version()
        if now != seen:
            seen = now
            broker.publish("visit", {"version": now})
