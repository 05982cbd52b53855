"""The visit the field companion works on: found or created at start, one writer and
one lock for every append, everything else read back from the files on demand."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from netsurvey.errors import IntegrityError
from netsurvey.inventory import Inventory, School, load_inventory
from netsurvey.records import (
    MEASUREMENTS_FILE,
    VISIT_FILE,
    Measurement,
    Visit,
    VisitWriter,
    create_visit,
    read_visit,
)
from netsurvey.web.config import FieldConfig

log = logging.getLogger(__name__)


def latest_visit(visits_root: Path, school_id: str) -> Path | None:
    """The newest visit of the school (the same rule as `netsurvey survey --resume`)."""
    school_dir = visits_root / school_id
    if not school_dir.is_dir():
        return None
    visits = sorted(p for p in school_dir.iterdir() if (p / VISIT_FILE).is_file())
    return visits[-1] if visits else None


@dataclass
class FieldVisit:
    inventory: Inventory
    school: School
    directory: Path
    writer: VisitWriter
    lock: asyncio.Lock  # one append (or one point measurement) at a time, across tabs
    seal_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def open(cls, config: FieldConfig) -> FieldVisit:
        """The visit named by ``--visit-id`` (continued, or created), else a new one with
        ``--new-visit``, else the school's latest (a new one if there is none)."""
        inventory = load_inventory(config.inventory)
        school = inventory.school(config.school_id)
        directory: Path | None
        if config.visit_id is not None:
            named = config.visits / school.id / config.visit_id
            directory = named if (named / VISIT_FILE).is_file() else None
        elif config.new_visit:
            directory = None
        else:
            directory = latest_visit(config.visits, school.id)
        if directory is None:
            directory = create_visit(
                config.visits,
                school_id=school.id,
                school_json=school.to_json(),
                inventory_path=str(config.inventory),
                inventory_sha256=inventory.sha256,
                operator=config.operator,
                visit_id=config.visit_id,
            )
            log.info("new visit %s", directory)
        else:
            info = read_visit(directory).info
            log.info("continuing visit %s (started %s)", directory, info.started_at)
            if info.data.get("inventory", {}).get("sha256") != inventory.sha256:
                log.warning(
                    "the inventory changed since visit %s started; its rooms and plan are "
                    "the ones recorded in the visit",
                    directory.name,
                )
        return cls(inventory, school, directory, VisitWriter.open(directory), asyncio.Lock())

    def read(self) -> Visit:
        return read_visit(self.directory)

    def version(self) -> str:
        """Changes whenever a record is appended (by us or by a terminal command)."""
        try:
            stat = (self.directory / MEASUREMENTS_FILE).stat()
        except OSError:
            return "0"
        return f"{stat.st_size}-{stat.st_mtime_ns}"

    async def append(self, *records: Measurement) -> None:
        async with self.lock:
            self.append_locked(*records)

    def append_locked(self, *records: Measurement) -> None:
        """Append (each line fsynced) while the caller holds ``lock``."""
        for record in records:
            self.writer.append(record)

    def seal(self) -> None:
        """Rewrite manifest.json, as the terminal commands do after appending. A visit
        changed outside netsurvey is not sealed again (the change stays visible to
        `verify`, `score` and `report`); the record just saved is kept either way."""
        try:
            self.writer.seal()
        except IntegrityError as exc:
            log.warning("%s", exc.one_line())

    async def seal_async(self) -> None:
        """``seal`` off the event loop, one at a time (they share a temporary file)."""
        async with self.seal_lock:
            await asyncio.to_thread(self.seal)
