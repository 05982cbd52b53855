"""The interactive room-by-room walk. Every point is appended (fsynced) as soon as
it is measured and progress is always re-read from the visit, so quitting, Ctrl-C or
a crash loses nothing and the same command resumes where the walk stopped."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netsurvey.errors import NetsurveyError
from netsurvey.inventory import Room
from netsurvey.records import VisitWriter
from netsurvey.wifi.collect import IperfPlan, PointRequest, record_point, skipped_room, take_point
from netsurvey.wifi.points import SurveyPoint
from netsurvey.wifi.sources import PointSource
from netsurvey.wifi.store import VisitSurvey, load_survey
from netsurvey.wifi.summary import point_summary

SourceFactory = Callable[[str, int], PointSource]  # (room, point number) -> source
COORDINATES = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*[ ;,/]\s*(-?\d+(?:[.,]\d+)?)\s*$")
HELP = (
    "  Enter = measure here{centre} · X Y = measure at X,Y metres · r = repeat the last point\n"
    "  s = skip this room · m = what is missing · l = list rooms · g ROOM = go to a room · q = quit"
)


@dataclass
class WalkSettings:
    points_per_room: int = 2
    scans: int = 3
    scan_interval_s: float = 1.0
    iperf: IperfPlan | None = None


def _number(text: str) -> float:
    return float(text.replace(",", "."))


class Walk:
    def __init__(
        self,
        visit: Path,
        sources: SourceFactory,
        settings: WalkSettings,
        ask: Callable[[str], str] = input,
        say: Callable[[str], None] = print,
    ) -> None:
        self.visit = visit
        self.sources = sources
        self.settings = settings
        self.ask = ask
        self.say = say
        self.writer = VisitWriter.open(visit)
        self.saved = 0
        self.chosen: str | None = None

    # ------------------------------------------------------------------ progress

    def survey(self) -> VisitSurvey:
        return load_survey(self.visit)

    def missing(self, survey: VisitSurvey) -> list[tuple[Room, int, bool]]:
        """(room, points so far, skipped) for rooms still short of points."""
        short = []
        for room in survey.school.rooms:
            done = len(survey.ok_points_in(room.id))
            if done < self.settings.points_per_room:
                short.append((room, done, room.id in survey.skipped_rooms))
        return short

    def next_room(self, survey: VisitSurvey) -> Room | None:
        if self.chosen is not None:
            room = survey.school.room(self.chosen)
            if (
                room is not None
                and len(survey.ok_points_in(room.id)) < self.settings.points_per_room
            ):
                return room
            self.chosen = None
        for room, _, skipped in self.missing(survey):
            if not skipped:
                return room
        return None

    def describe_missing(self, survey: VisitSurvey) -> str:
        parts = []
        for room, done, skipped in self.missing(survey):
            state = "skipped" if skipped else f"{done} of {self.settings.points_per_room} points"
            parts.append(f"{room.id} ({state})")
        return "Missing: " + ", ".join(parts) if parts else "Nothing is missing."

    def list_rooms(self, survey: VisitSurvey) -> None:
        for room in survey.school.rooms:
            done = len(survey.ok_points_in(room.id))
            mark = "✓" if done >= self.settings.points_per_room else "·"
            extra = " (skipped)" if room.id in survey.skipped_rooms and not done else ""
            floor = f" floor {room.floor}" if room.floor else ""
            self.say(f"  {mark} {room.id}{floor}: {done} point(s){extra}")

    # ------------------------------------------------------------------ loop

    def run(self) -> int:
        survey = self.survey()
        if not survey.school.rooms:
            self.say("The visit's school lists no rooms; use: netsurvey wifi point --room ID")
            return 2
        total = len(survey.school.rooms)
        done_rooms = total - len(self.missing(survey))
        self.say(f"Wi-Fi walk · {survey.school.name} · visit {survey.visit_id}")
        if survey.points:
            self.say(
                f"Resuming: {len(survey.points)} point(s) already saved, {done_rooms} of {total} rooms done."
            )
        else:
            self.say(f"{total} rooms to survey, {self.settings.points_per_room} points each.")
        try:
            return self._loop()
        except KeyboardInterrupt:
            self.say(
                f"\nInterrupted. {self.saved} point(s) saved this time; run the same command to continue."
            )
            return 130
        finally:
            self.writer.seal()

    def _loop(self) -> int:
        while True:
            survey = self.survey()
            room = self.next_room(survey)
            if room is None:
                return self._finish(survey)
            done = len(survey.ok_points_in(room.id))
            centre = (
                f" (room centre {room.x_m:g} {room.y_m:g})"
                if room.x_m is not None and room.y_m is not None
                else ""
            )
            floor = f", floor {room.floor}" if room.floor else ""
            self.say("")
            self.say(
                f"Next: room {room.id}{floor} – point {done + 1} of {self.settings.points_per_room}. Stand at a measuring spot."
            )
            self.say(HELP.format(centre=centre))
            try:
                answer = self.ask(f"wifi {room.id}> ").strip()
            except EOFError:
                self.say(
                    f"\nStopped. {self.saved} point(s) saved this time; run the same command to continue."
                )
                return 0
            if not self._handle(answer, room, survey):
                self.say(
                    f"Stopped. {self.saved} point(s) saved this time; run the same command to continue."
                )
                return 0

    def _handle(self, answer: str, room: Room, survey: VisitSurvey) -> bool:
        """Act on one answer; False means quit."""
        command = answer.lower()
        if command in ("q", "quit", "exit"):
            return False
        if command in ("m", "missing"):
            self.say(self.describe_missing(survey))
        elif command in ("l", "list"):
            self.list_rooms(survey)
        elif command in ("s", "skip"):
            self.writer.append(skipped_room(room.id, "skipped by the technician"))
            self.chosen = None
            self.say(
                f"Skipped room {room.id}; it stays on the missing list (g {room.id} to come back)."
            )
        elif command.startswith("g ") or command.startswith("go "):
            wanted = answer.split(maxsplit=1)[1].strip()
            if survey.school.room(wanted) is None:
                self.say(
                    f"No room {wanted!r} in this school. Rooms: {', '.join(r.id for r in survey.school.rooms)}"
                )
            else:
                self.chosen = wanted
        elif command in ("r", "repeat"):
            last = survey.points[-1] if survey.points else None
            if last is None:
                self.say("No point to repeat yet.")
            else:
                self._measure(last.room, last.x_m, last.y_m, replaces=last)
        elif command in ("", "h", "here"):
            self._measure(room.id, room.x_m, room.y_m)
        elif (match := COORDINATES.match(answer)) is not None:
            self._measure(room.id, _number(match.group(1)), _number(match.group(2)))
        else:
            self.say(f"Not understood: {answer!r}.")
        return True

    def _measure(
        self, room: str, x_m: float | None, y_m: float | None, replaces: SurveyPoint | None = None
    ) -> None:
        survey = self.survey()
        number = len(survey.points_in(room)) + 1
        where = f" at {x_m:g} {y_m:g}" if x_m is not None and y_m is not None else ""
        verb = "Repeating the last point" if replaces else "Measuring"
        self.say(f"{verb} in {room}{where}: {self.settings.scans} scan(s)…")
        request = PointRequest(
            room=room,
            x_m=x_m,
            y_m=y_m,
            scans=self.settings.scans,
            scan_interval_s=self.settings.scan_interval_s,
            iperf=self.settings.iperf,
            replaces=replaces.measurement_id if replaces else None,
        )
        try:
            source = self.sources(room, number)
        except NetsurveyError as exc:
            self.say(f"Cannot measure here: {exc.one_line()}")
            return
        measurement, artifacts = asyncio.run(take_point(source, request))
        saved = record_point(self.writer, measurement, artifacts)
        self.saved += 1
        for line in point_summary(saved, survey.school.ssids):
            self.say(line)
        if saved.status != "ok":
            self.say(
                "The failed point is saved as evidence. Enter = try again, s = skip this room."
            )

    def _finish(self, survey: VisitSurvey) -> int:
        skipped = [r for r, _, s in self.missing(survey) if s]
        self.say("")
        if skipped:
            self.say(f"Every room is measured or skipped. {self.describe_missing(survey)}")
            self.say("Go back with: g ROOM — or q to finish.")
            try:
                answer = self.ask("wifi> ").strip()
            except EOFError:
                answer = "q"
            if answer.lower().startswith("g "):
                self._handle(answer, skipped[0], survey)
                return self._loop()
            self.say(f"Finished with skipped rooms. {self.describe_missing(survey)}")
            return 0
        self.say(
            f"All {len(survey.school.rooms)} rooms measured. Results: netsurvey wifi rooms --visit {self.visit}"
        )
        return 0
