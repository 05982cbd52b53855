"""`netsurvey power walk`: the interactive checklist of carts, circuits and readings.

Room by room the technician adds circuits, carts, clamp-meter readings and photos
of labels. Every answer is appended to the visit at once (``cart_inventory``
records holding the entry so far), so a power cut, Ctrl-C or 'q' loses nothing;
running the command again continues unfinished entries and the first room not yet
done. Photos are copied into the visit's raw/ with their sha256.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from netsurvey.errors import NetsurveyError, RecordsError
from netsurvey.numbers import finite_float
from netsurvey.power.recordio import (
    CART_INVENTORY,
    WalkEntry,
    make_record,
    reading_record,
    walk_entries,
    walk_entry_record,
)
from netsurvey.power.settings import DEFAULT_SETTINGS
from netsurvey.power.spec import MeasuredLoad
from netsurvey.power.walkforms import FORMS, Answer, AnswerError, Field
from netsurvey.records import VISIT_FILE, Measurement, VisitWriter, new_id, read_visit
from netsurvey.visitschool import school_from_json
from probes.base import RawArtifact

log = logging.getLogger(__name__)

MENU = "c = circuit, k = cart, r = clamp reading, p = photo of a label, n = room done, q = quit"


def context_problem(
    kind: str,
    name: str,
    value: Answer,
    fields: Mapping[str, Answer],
    circuits: Collection[str],
    carts: Collection[str],
) -> str | None:
    """What is wrong with an answer given the others and what is declared (None = fine).
    The terminal walk and the field companion's forms share these rules."""
    number = finite_float(value)
    slots = finite_float(fields.get("slots"))
    if kind == "cart" and name == "slots_at_once" and number and slots and number > slots:
        return f"slots_at_once: {value} is more than the cart's {fields['slots']} slots"
    known = {*circuits, *carts}
    if kind == "reading" and name == "subject" and value not in known:
        return (
            f"subject: {value!r} is not a declared circuit or cart (declared: "
            f"{', '.join(sorted(known)) or 'none yet'}); add it first with c or k"
        )
    current_a = finite_float(fields.get("current_a"))
    if kind == "reading" and name == "power_w" and value is None and current_a is None:
        return "power_w: a reading needs the current or the power; q to stop"
    if kind == "reading" and name == "power_w" and number and current_a:
        apparent_va = DEFAULT_SETTINGS.voltage_v * current_a
        if number > 1.05 * apparent_va:
            return (
                f"power_w: {number:g} W is more than {DEFAULT_SETTINGS.voltage_v:g} V x "
                f"{current_a:g} A = {apparent_va:.0f} VA; re-read the meter"
            )
    return None


def save_photo(
    writer: VisitWriter,
    entry_id: str,
    room: str | None,
    fields: Mapping[str, Answer],
    photo: RawArtifact,
) -> Measurement:
    """Store a photo (breaker label, cart plate) as raw evidence with its sha256, then
    its ``cart_inventory`` record (kind ``photo``) pointing at it. Used by the terminal
    walk (a file path) and the field companion (an upload from the phone camera)."""
    record_id = new_id()
    (ref,) = writer.write_raw(record_id, [photo])
    record = make_record(
        CART_INVENTORY,
        f"power_walk:photo:{entry_id}",
        details={
            "kind": "photo",
            "id": entry_id,
            "room": room,
            "fields": {**fields, "path": ref.path},
            "complete": True,
        },
        raw=(ref,),
        record_id=record_id,
    )
    writer.append(record)
    return record


class _Stop(Exception):
    """The technician stopped the walk ('q' or Ctrl-D)."""


class PowerWalk:
    def __init__(
        self,
        directory: Path,
        *,
        ask: Callable[[str], str] = input,
        say: Callable[[str], None] = print,
    ) -> None:
        self.directory = directory
        self.visit = read_visit(directory)
        self.writer = VisitWriter.open(directory)
        self._ask = ask
        self._say = say
        school = school_from_json(self.visit.info.data.get("school"), str(directory / VISIT_FILE))
        self.school_id = self.visit.info.school_id
        self.rooms: list[str] = [r.id for r in school.rooms]
        self.circuits: dict[str, str | None] = {c.id: c.room for c in school.circuits}
        self.carts: dict[str, str | None] = {c.id: c.room for c in school.carts}
        self.entries: dict[tuple[str, str], WalkEntry] = {}
        for entry in walk_entries(self.visit):
            self._remember(entry)

    @classmethod
    def open(cls, directory: Path) -> PowerWalk:
        return cls(Path(directory))

    # ------------------------------------------------------------------ state
    def _remember(self, entry: WalkEntry) -> None:
        self.entries[(entry.kind, entry.entry_id)] = entry
        if entry.kind in ("circuit", "cart") and entry.complete:
            target = self.circuits if entry.kind == "circuit" else self.carts
            target[entry.entry_id] = entry.room
        if entry.room and entry.room not in self.rooms:
            self.rooms.append(entry.room)

    def _count(self, kind: str) -> int:
        return sum(1 for (k, _), e in self.entries.items() if k == kind and e.complete)

    def _rooms_done(self) -> set[str]:
        return {e.entry_id for (k, _), e in self.entries.items() if k == "room_done"}

    # ------------------------------------------------------------------ input
    def ask(self, question: str, default: str | None = None) -> str:
        suffix = f" [{default}]" if default is not None else ""
        try:
            answer = self._ask(f"{question}{suffix}: ").strip()
        except EOFError:
            raise _Stop from None
        if answer.lower() in ("q", "quit"):
            raise _Stop
        return answer

    def confirm(self, question: str, default: bool) -> bool:
        answer = self.ask(question + (" (Y/n)" if default else " (y/N)"))
        return default if not answer else answer.lower().startswith("y")

    def save(
        self, kind: str, entry_id: str, room: str | None, fields: dict[str, Answer], complete: bool
    ) -> WalkEntry:
        record = walk_entry_record(kind, entry_id, room, fields, complete=complete)
        self.writer.append(record)
        entry = WalkEntry(kind, entry_id, room, dict(fields), complete, record.id)
        self._remember(entry)
        return entry

    # ------------------------------------------------------------------ forms
    def fill(
        self, kind: str, entry_id: str | None, room: str | None, fields: dict[str, Answer]
    ) -> dict[str, Answer] | None:
        """Ask every missing field of a form, saving after each answer."""
        for field in FORMS[kind]:
            if field.name in fields or (field.name == "id" and entry_id is not None):
                continue
            if not field.applies(fields):
                continue
            value = self.answer(kind, field, fields, room)
            if field.name == "id":
                entry_id = str(value)
                if not self.may_use_id(kind, entry_id):
                    return None
                self.save(kind, entry_id, room, fields, complete=False)
                continue
            fields[field.name] = value
            if entry_id is None:  # readings and photos get their id before the first answer
                raise RuntimeError("entry without id")
            last = all(
                f.name in fields or not f.applies(fields) or f.name == "id" for f in FORMS[kind]
            )
            self.save(kind, entry_id, room, fields, complete=last and kind != "photo")
        return fields

    def answer(
        self, kind: str, field: Field, fields: dict[str, Answer], room: str | None
    ) -> Answer:
        while True:
            text = self.ask(f"    {field.question}", field.default)
            try:
                value = field.parse(text)
                return self.check_in_context(kind, field, value, fields, room)
            except AnswerError as exc:
                self._say(f"    ! {exc}")

    def check_in_context(
        self, kind: str, field: Field, value: Answer, fields: dict[str, Answer], room: str | None
    ) -> Answer:
        problem = context_problem(kind, field.name, value, fields, self.circuits, self.carts)
        if problem:
            raise AnswerError(problem)
        if kind == "cart" and field.name == "circuit" and str(value) not in self.circuits:
            circuit_id = str(value)
            declared = ", ".join(sorted(self.circuits)) or "none yet"
            self._say(f"    ! circuit: {value!r} is not a declared circuit (declared: {declared})")
            if not self.confirm(f"    Declare circuit {circuit_id} now?", True):
                raise AnswerError("circuit: type the id of a declared circuit")
            started = self.entries.get(("circuit", circuit_id))
            partial = dict(started.fields) if started else {}
            filled = self.fill("circuit", circuit_id, room, partial)
            if filled is None or circuit_id not in self.circuits:
                raise AnswerError(f"circuit: {circuit_id} was not declared")
        if kind == "photo" and field.name == "path":
            path = Path(str(value).strip("'\"")).expanduser()
            if not path.is_file():
                raise AnswerError(f"path: {path} is not a file; type the photo file's path")
            return str(path.resolve())
        return value

    def may_use_id(self, kind: str, entry_id: str) -> bool:
        existing = self.entries.get((kind, entry_id))
        known = (self.circuits if kind == "circuit" else self.carts).keys()
        if existing is None and entry_id not in known:
            return True
        return self.confirm(f"  {kind} {entry_id} is already recorded; enter it again", False)

    # ------------------------------------------------------------------ actions
    def add(self, kind: str, room: str | None) -> None:
        fields: dict[str, Answer] = {}
        if kind in ("circuit", "cart"):
            self.fill(kind, None, room, fields)
            return
        entry_id = f"{kind}-{self._next_number(kind)}"
        self.finish(kind, entry_id, room, fields)

    def _next_number(self, kind: str) -> int:
        return 1 + sum(1 for k, _ in self.entries if k == kind)

    def finish(
        self, kind: str, entry_id: str, room: str | None, fields: dict[str, Answer]
    ) -> None:
        """Complete a reading or photo entry: the answers, then its record."""
        filled = self.fill(kind, entry_id, room, fields)
        if filled is None:
            return
        if kind == "reading":
            subject_id = str(filled["subject"])
            load = MeasuredLoad(
                subject="circuit" if subject_id in self.circuits else "cart",
                subject_id=subject_id,
                source="clamp",
                reference=entry_id,
                current_a=finite_float(filled.get("current_a")),
                power_w=finite_float(filled.get("power_w")),
                power_factor_ratio=finite_float(filled.get("power_factor_ratio")),
            )
            self.writer.append(reading_record(load, room))
            self._say(f"  saved reading on {load.subject} {subject_id}")
        elif kind == "photo":
            source = Path(str(filled["path"]))
            media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
            try:
                data = source.read_bytes()
            except OSError as exc:
                raise RecordsError(f"{source}: cannot read ({exc.strerror})") from None
            record = save_photo(
                self.writer, entry_id, room, filled, RawArtifact(source.name, data, media_type)
            )
            ref = record.raw[0]
            self._remember(WalkEntry("photo", entry_id, room, filled, True, record.id))
            self._say(f"  photo saved as {ref.path} (sha256 {ref.sha256[:12]}...)")

    def resume_unfinished(self) -> None:
        for kind, entry_id in list(self.entries):
            entry = self.entries[(kind, entry_id)]  # may have been finished meanwhile
            if entry.complete or kind == "room_done":
                continue
            if kind == "photo":
                continue  # a photo without its file has nothing to keep
            self._say(
                f"Continuing unfinished {kind} {entry_id}"
                f"{f' in room {entry.room}' if entry.room else ''}."
            )
            fields = dict(entry.fields)
            if kind == "reading":
                self.finish(kind, entry_id, entry.room, fields)
            else:
                self.fill(kind, entry_id, entry.room, fields)

    def here(self, room: str) -> str:
        circuits = [c for c, r in self.circuits.items() if r == room]
        carts = [c for c, r in self.carts.items() if r == room]
        return f"circuits: {', '.join(circuits) or 'none'}; carts: {', '.join(carts) or 'none'}"

    def walk_room(self, room: str, number: int, total: int) -> None:
        self._say("")
        self._say(f"Room {room} ({number} of {total}) - recorded here: {self.here(room)}")
        while True:
            self._say(f"  {MENU}")
            choice = self.ask("  Choice", "n").lower()[:1] or "n"
            if choice == "n":
                self.save("room_done", room, room, {}, complete=True)
                return
            kinds = {"c": "circuit", "k": "cart", "r": "reading", "p": "photo"}
            if choice not in kinds:
                self._say(f"  ! {choice!r} is not a choice here")
                continue
            self.add(kinds[choice], room)

    def ask_rooms(self) -> None:
        """Rooms not in the inventory: ask for them one at a time."""
        while True:
            room = self.ask("Next room id (Enter when all rooms are done)")
            if not room:
                return
            if room not in self.rooms:
                self.rooms.append(room)
            self.walk_room(room, len(self.rooms), len(self.rooms))

    def run(self) -> int:
        self._say(f"Power walk for school {self.school_id}, visit {self.directory.name}.")
        self._say(
            "Every answer is saved as you type it; 'q' or Ctrl-D stops, and running the "
            "same command again continues. Enter takes the [default]."
        )
        done = self._rooms_done()
        if self.entries:
            self._say(
                f"Already recorded: {self._count('circuit')} circuits, "
                f"{self._count('cart')} carts, {self._count('reading')} readings, "
                f"{len(done)} rooms done."
            )
        stopped = False
        try:
            self.resume_unfinished()
            todo = [r for r in self.rooms if r not in done]
            for room in todo:
                self.walk_room(room, self.rooms.index(room) + 1, len(self.rooms))
            self.ask_rooms()
        except _Stop:
            stopped = True
        finally:
            self.writer.seal()
        if stopped:
            self._say(
                "Stopped. Everything entered so far is saved; run the same command to continue."
            )
        else:
            self._say(self.summary())
        return 0

    def summary(self) -> str:
        from netsurvey.power.assess import assess_site
        from netsurvey.power.settings import PowerSettings
        from netsurvey.power.sources import site_from_visit

        lines = [
            f"Walk complete: {len(self.circuits)} circuits, {len(self.carts)} carts, "
            f"{self._count('reading')} clamp readings."
        ]
        try:
            settings = PowerSettings()
            result = assess_site(site_from_visit(read_visit(self.directory), settings), settings)
        except NetsurveyError as exc:
            lines.append(f"Cannot assess yet: {exc.one_line()}")
        else:
            failing = [c.circuit_id for c in result.circuits if c.verdict == "fail"]
            verdict = (result.verdict or "nothing to assess").upper()
            lines.append(
                f"Verdict: {verdict}"
                + (f" (over the limit: {', '.join(failing)})" if failing else "")
            )
        lines.append(f"Details and fixes: netsurvey power assess --visit {self.directory}")
        return "\n".join(lines)
