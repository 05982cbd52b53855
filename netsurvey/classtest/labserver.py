"""The laptop side of ``netsurvey lab class-test``, run inside the laptop namespace.

It serves the class app (the same code the field companion mounts), opens a session
for the lab room, starts the test once the expected seats have joined, writes the
``class_test`` record into the given visit, and reports progress as JSON lines in an
events file: ``ready`` (port, join URL), ``started``, ``result`` (the class result).
It then waits for SIGTERM, so the lab can read its CPU time from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from netsurvey.classtest.plan import lab_plan
from netsurvey.classtest.server import ClassTestService, standalone_app
from netsurvey.classtest.session import ClassResult
from netsurvey.classtest.store import write_class_test
from netsurvey.records import VisitWriter
from probes.linkinfo import TCP_GOODPUT_RATIO

MAX_LIFETIME_S = 900.0


class Events:
    def __init__(self, path: Path) -> None:
        self.path = path

    def emit(self, event: str, **data: Any) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"event": event, **data}) + "\n")


async def serve(args: argparse.Namespace) -> None:
    events = Events(args.events)
    plan = lab_plan(args.video_rate_bps, video_s=args.video_s)
    writer = VisitWriter.open(args.visit) if args.visit else None
    finished: asyncio.Future[tuple[ClassResult, str | None]] = (
        asyncio.get_running_loop().create_future()
    )

    def record(result: ClassResult) -> None:
        record_id = None
        if writer is not None:
            record_id = write_class_test(writer, result).id
            writer.seal()
        if not finished.done():
            finished.set_result((result, record_id))

    service = ClassTestService(
        plan_for_room=lambda room: plan,
        record=record,
        goodput_limit_bps=args.rate_bps * TCP_GOODPUT_RATIO if args.rate_bps else None,
    )
    runner = web.AppRunner(standalone_app(service), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, args.host, 0)
    await site.start()
    server = site._server
    assert server is not None
    port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
    service.join_base_url = f"http://{args.host}:{port}/class/"
    session = service.open(args.room)
    events.emit(
        "ready",
        port=port,
        join_url=f"{service.join_base_url}{session.token}/",
        tech_url=f"http://{args.host}:{port}/class/tech/{service.tech_token}/",
    )
    deadline = time.monotonic() + args.join_timeout_s
    while len(session.seats) < args.expect and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if not session.seats:
        events.emit("error", message=f"no seat joined within {args.join_timeout_s:.0f} s")
        await runner.cleanup()
        return
    await service.start()
    events.emit("started", seats=len(session.seats))
    result, record_id = await finished
    events.emit("result", result=result.to_json(), record_id=record_id)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), MAX_LIFETIME_S)
    await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netsurvey.classtest.labserver")
    parser.add_argument("--host", required=True)
    parser.add_argument("--room", default="lab")
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--events", type=Path, required=True)
    parser.add_argument("--visit", type=Path)
    parser.add_argument("--rate-bps", type=float)
    parser.add_argument("--video-rate-bps", type=float, default=2.5e6)
    parser.add_argument("--video-s", type=float, default=12.0)
    parser.add_argument("--join-timeout-s", type=float, default=90.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"class-test lab server: {exc}", file=sys.stderr)
        return 6
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
