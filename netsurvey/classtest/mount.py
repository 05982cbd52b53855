"""The class test for a visit: what the field companion mounts at ``/class/``.

    from netsurvey.classtest.mount import class_test_for_visit
    service, subapp = class_test_for_visit(visit_dir, join_base_url=lan_url + "class/")
    mount_subapp(app, CLASS_TEST_PREFIX, subapp, own_auth=True)   # netsurvey.web.app
    # the technician opens service.technician_path() (relative to the mount point)

Pupils' devices never see the field token: the sub-app checks its own session token
(seats) and technician token (controls), so it is mounted with ``own_auth``. Finished
tests are appended to the visit as ``class_test`` records (fsync per line, off the
event loop) and the visit manifest is resealed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from netsurvey.classtest.plan import ClassPlan, lesson_video_rate_bps
from netsurvey.classtest.server import ClassTestService, create_class_app
from netsurvey.classtest.session import ClassResult
from netsurvey.classtest.store import write_class_test
from netsurvey.records import VisitWriter


def _write_and_seal(writer: VisitWriter, result: ClassResult) -> None:
    write_class_test(writer, result)
    writer.seal()


def class_test_for_visit(
    visit_dir: Path,
    *,
    join_base_url: str | None,
    video_rate_bps: float | None = None,
    profile: str = "lv-2024",
) -> tuple[ClassTestService, web.Application]:
    """A class-test service writing into ``visit_dir`` and its application.

    ``join_base_url`` is the mount point as pupils reach it on the LAN
    (``http://192.168.1.23:8765/class/``); ``video_rate_bps`` defaults to the scoring
    profile's lesson-video rate."""
    if video_rate_bps is None:
        from netsurvey.scoring.profile import load_profile

        video_rate_bps = lesson_video_rate_bps(load_profile(profile))
    writer = VisitWriter.open(visit_dir)
    plan = ClassPlan(video_rate_bps=video_rate_bps)

    async def record(result: ClassResult) -> None:
        await asyncio.get_running_loop().run_in_executor(None, _write_and_seal, writer, result)

    service = ClassTestService(
        plan_for_room=lambda room: plan, record=record, join_base_url=join_base_url
    )
    return service, create_class_app(service)
