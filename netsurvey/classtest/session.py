"""One class session: tokens, seats, the start, samples and the final result.

No I/O here: the server feeds it requests and the clock (``time.monotonic``), and
reads back what to answer. Seats are known by a random ``seat_key`` the page keeps in
the device's local storage (so a reload keeps its seat number); every page load is a
new ``instance``. Only instances that had joined before the start take part; a seat
that joins after the start waits ("late"), a reload during the test waits
("reloaded"), and a taking-part instance that never posts its result is "dropped".
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from netsurvey.classtest.plan import ClassPlan, PhaseName
from netsurvey.classtest.stats import (
    Aggregates,
    ClientKind,
    SeatResult,
    aggregate,
    rtt_summary,
    video_verdict,
    window_rate_bps,
)
from netsurvey.classtest.video import VideoReferee
from netsurvey.errors import NetsurveyError

SessionState = Literal["joining", "running", "done"]
Role = Literal["participant", "late", "reloaded", "replaced"]
# Letters and digits a pupil can type without confusing 0/o or 1/l.
TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
SEAT_TOKEN_CHARS = 8
MAX_SEATS = 64
MAX_TEXT_CHARS = 300


class ClassTestError(NetsurveyError):
    """A request the class session cannot accept (the server answers 4xx)."""

    exit_code = 2

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def seat_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(SEAT_TOKEN_CHARS))


def technician_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Instance:
    """One page load of a seat."""

    id: str
    joined_at_s: float
    role: Role
    result: dict[str, Any] | None = None


@dataclass
class Seat:
    seat: int
    seat_key: str
    client: ClientKind
    user_agent: str | None
    connection_type: str | None
    remote_ip: str | None
    instances: list[Instance] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    upload_bins: list[float] = field(default_factory=list)
    download_sent_bytes: int = 0

    @property
    def current(self) -> Instance:
        return self.instances[-1]

    def participant(self) -> Instance | None:
        return next((i for i in self.instances if i.role == "participant"), None)


@dataclass(frozen=True)
class ClassResult:
    """What a finished class session measured (written as a ``class_test`` record)."""

    room: str
    session_started_at: str
    test_started_at: str
    finished_at: str
    plan: ClassPlan
    seats: tuple[SeatResult, ...]
    aggregates: Aggregates
    goodput_limit_bps: float | None
    laptop_link: dict[str, Any] | None
    raw_samples: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "room": self.room,
            "session_started_at": self.session_started_at,
            "test_started_at": self.test_started_at,
            "finished_at": self.finished_at,
            "goodput_limit_bps": None
            if self.goodput_limit_bps is None
            else round(self.goodput_limit_bps),
            "video_rate_bps": self.plan.video_rate_bps,
            "player_buffer_s": self.plan.player_buffer_s,
        }
        data.update(self.aggregates.to_json())
        data["laptop_link"] = self.laptop_link
        data["plan"] = self.plan.to_json()
        data["seats"] = [seat.to_json() for seat in self.seats]
        return data


def _utc_iso(moment_s: float, clock_now_s: float) -> str:
    wall = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=clock_now_s - moment_s)
    return wall.isoformat()


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:MAX_TEXT_CHARS]


class ClassSession:
    """The state of one class test in one room."""

    def __init__(
        self,
        room: str,
        plan: ClassPlan,
        *,
        goodput_limit_bps: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        token: str | None = None,
    ) -> None:
        self.room = room
        self.plan = plan
        self.token = token or seat_token()
        self.goodput_limit_bps = goodput_limit_bps
        self._clock = clock
        self.created_s = clock()
        self.started_s: float | None = None
        self.seats: dict[int, Seat] = {}
        self._by_key: dict[str, int] = {}
        self._by_instance: dict[str, int] = {}
        self.result: ClassResult | None = None
        self.laptop_link: dict[str, Any] | None = None
        self.video = VideoReferee(plan)

    # ------------------------------------------------------------------ state

    def now(self) -> float:
        return self._clock()

    @property
    def state(self) -> SessionState:
        if self.result is not None:
            return "done"
        return "joining" if self.started_s is None else "running"

    def elapsed_s(self) -> float | None:
        """Seconds since the start signal (None before it)."""
        return None if self.started_s is None else self.now() - self.started_s

    def phase_window(self, name: PhaseName) -> tuple[float, float]:
        """Monotonic start and end of a phase on this server's clock."""
        if self.started_s is None:
            raise ClassTestError("the class test has not started")
        phase = self.plan.phase(name)
        return self.started_s + phase.start_s, self.started_s + phase.end_s

    def participants(self) -> list[Seat]:
        return [seat for seat in self.seats.values() if seat.participant() is not None]

    def waiting_for_results(self) -> bool:
        return any(
            (inst := seat.participant()) is not None and inst.result is None
            and "reloaded" not in seat.flags
            for seat in self.seats.values()
        )  # fmt: skip

    def due_to_finish(self) -> bool:
        """True once every participant has posted, or the result grace is over."""
        elapsed = self.elapsed_s()
        if elapsed is None or self.result is not None:
            return False
        if elapsed < self.plan.total_s:
            return False
        return not self.waiting_for_results() or elapsed >= (
            self.plan.total_s + self.plan.result_grace_s
        )

    # ------------------------------------------------------------------ seats

    def join(
        self,
        seat_key: str,
        *,
        client: str,
        user_agent: Any = None,
        connection_type: Any = None,
        remote_ip: str | None = None,
    ) -> tuple[Seat, Instance]:
        if self.state == "done":
            raise ClassTestError("this class test has finished; open a new one", status=410)
        if not isinstance(seat_key, str) or not 8 <= len(seat_key) <= 64:
            raise ClassTestError("seat_key must be 8-64 characters", status=400)
        kind: ClientKind = "python" if client == "python" else "browser"
        now = self.now()
        running = self.started_s is not None
        number = self._by_key.get(seat_key)
        if number is None:
            if len(self.seats) >= MAX_SEATS:
                raise ClassTestError(f"the class is full ({MAX_SEATS} seats)", status=403)
            number = max(self.seats, default=0) + 1
            seat = Seat(number, seat_key, kind, _text(user_agent), _text(connection_type),
                        remote_ip)  # fmt: skip
            self.seats[number] = seat
            self._by_key[seat_key] = number
            role: Role = "late" if running else "participant"
            if running:
                seat.flags.add("late")
        else:
            seat = self.seats[number]
            seat.user_agent = _text(user_agent) or seat.user_agent
            seat.connection_type = _text(connection_type) or seat.connection_type
            if not running:
                for earlier in seat.instances:  # a reload before the start is harmless
                    earlier.role = "replaced"
                role = "participant"
            else:
                role = "reloaded" if seat.participant() is not None else "late"
                seat.flags.add(role)
        instance = Instance(secrets.token_hex(8), now, role)
        seat.instances.append(instance)
        self._by_instance[instance.id] = number
        return seat, instance

    def lookup(self, instance_id: str) -> tuple[Seat, Instance]:
        number = self._by_instance.get(instance_id)
        if number is None:
            raise ClassTestError("unknown seat instance; reload the page", status=404)
        seat = self.seats[number]
        instance = next(i for i in seat.instances if i.id == instance_id)
        return seat, instance

    def participant(self, instance_id: str) -> Seat:
        """The seat of an instance that takes part in the running test."""
        seat, instance = self.lookup(instance_id)
        if instance.role != "participant" or "reloaded" in seat.flags:
            raise ClassTestError("this seat does not take part in the running test")
        if self.started_s is None:
            raise ClassTestError("the class test has not started")
        return seat

    # ------------------------------------------------------------------ test

    def start(self, laptop_link: dict[str, Any] | None = None) -> None:
        if self.started_s is not None:
            raise ClassTestError("the class test is already running")
        if not self.seats:
            raise ClassTestError("no seat has joined yet")
        self.started_s = self.now()
        self.laptop_link = laptop_link

    def schedule_for(self, instance: Instance) -> dict[str, Any]:
        """What a seat's state poll answers."""
        elapsed = self.elapsed_s()
        answer: dict[str, Any] = {"state": self.state, "role": instance.role,
                                  "seats_joined": len(self.seats)}  # fmt: skip
        if elapsed is not None and instance.role == "participant":
            answer["plan"] = self.plan.to_json()
            answer["phases"] = [
                {"name": p.name, "starts_in_s": p.start_s - elapsed, "duration_s": p.duration_s}
                for p in self.plan.phases()
            ]
            answer["elapsed_s"] = elapsed
        return answer

    def add_upload_bytes(self, seat: Seat, count: int) -> None:
        """Count bytes the server received from a seat in the upload phase."""
        start, end = self.phase_window("upload")
        now = self.now()
        if not start <= now < end:
            return
        index = int((now - start) / self.plan.bin_s)
        if len(seat.upload_bins) <= index:
            seat.upload_bins.extend([0.0] * (index + 1 - len(seat.upload_bins)))
        seat.upload_bins[index] += count

    def video_progress(self, instance_id: str, payload: dict[str, Any]) -> bool:
        """A seat's video progress; True tells it to stop watching (see video.py)."""
        seat = self.participant(instance_id)
        numbers = [payload.get(key) for key in ("at_s", "received_bytes", "behind_s")]
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in numbers):
            raise ClassTestError("video progress: at_s, received_bytes and behind_s must be "
                                 "numbers", status=400)  # fmt: skip
        at_s, received, behind = (float(v) for v in numbers)  # type: ignore[arg-type]
        start_s, _ = self.phase_window("video")
        if not self.video.expected:
            self.video.expected = {
                s.seat for s in self.seats.values()
                if s.participant() is not None and "reloaded" not in s.flags
            }  # fmt: skip
        return self.video.report(seat.seat, self.now() - start_s, at_s, received, behind)

    def post_result(self, instance_id: str, payload: dict[str, Any]) -> None:
        seat = self.participant(instance_id)
        instance = seat.participant()
        assert instance is not None
        if instance.result is not None:
            raise ClassTestError("this seat has already posted its result")
        instance.result = _checked_result(payload)

    # ------------------------------------------------------------------ result

    def finish(self) -> ClassResult:
        if self.started_s is None:
            raise ClassTestError("the class test has not started")
        if self.result is not None:
            return self.result
        now = self.now()
        seat_results = []
        raw: dict[str, Any] = {"bin_s": self.plan.bin_s, "seats": []}
        for number in sorted(self.seats):
            seat = self.seats[number]
            instance = seat.participant()
            if instance is not None and instance.result is None and "reloaded" not in seat.flags:
                seat.flags.add("dropped")
            seat_results.append(self._seat_result(seat))
            raw["seats"].append(self._raw_seat(seat))
        seats = tuple(seat_results)
        self.result = ClassResult(
            room=self.room,
            session_started_at=_utc_iso(self.created_s, now),
            test_started_at=_utc_iso(self.started_s, now),
            finished_at=_utc_iso(now, now),
            plan=self.plan,
            seats=seats,
            aggregates=aggregate(seats),
            goodput_limit_bps=self.goodput_limit_bps,
            laptop_link=self.laptop_link,
            raw_samples=raw,
        )
        return self.result

    def _seat_result(self, seat: Seat) -> SeatResult:
        instance = seat.participant()
        result = instance.result if instance is not None else None
        plan = self.plan
        download = upload = rtt_p50 = rtt_p90 = lag = stalled_at = None
        sustained: bool | None = None
        if result is not None:
            download = window_rate_bps(result["download_bins"], plan.bin_s, plan.warmup_s,
                                       plan.download_s)  # fmt: skip
            rtt_p50, rtt_p90 = rtt_summary(result["rtt_s"])
            stalled_at = result["video_stalled_at_s"]
            sustained, lag = video_verdict(result["video_bins"], plan, stalled_at)
        if instance is not None and seat.upload_bins:
            upload = window_rate_bps(seat.upload_bins, plan.bin_s, plan.warmup_s, plan.upload_s)
        return SeatResult(
            seat=seat.seat,
            client=seat.client,
            download_bps=download,
            upload_bps=upload,
            video_sustained=sustained,
            rtt_p50_s=rtt_p50,
            flags=tuple(flag for flag in ("late", "reloaded", "dropped") if flag in seat.flags),
            video_max_lag_s=lag,
            video_stalled_at_s=stalled_at,
            rtt_p90_s=rtt_p90,
            user_agent=seat.user_agent,
            connection_type=seat.connection_type,
        )

    def _raw_seat(self, seat: Seat) -> dict[str, Any]:
        instance = seat.participant()
        return {
            "seat": seat.seat,
            "client": seat.client,
            "user_agent": seat.user_agent,
            "connection_type": seat.connection_type,
            "flags": sorted(seat.flags),
            "instances": [
                {"role": i.role, "joined_after_start_s": None if self.started_s is None
                 else round(i.joined_at_s - self.started_s, 3)}
                for i in seat.instances
            ],
            "upload_bins_server": seat.upload_bins,
            "download_sent_bytes_server": seat.download_sent_bytes,
            "client_result": instance.result if instance is not None else None,
        }


def _checked_result(payload: dict[str, Any]) -> dict[str, Any]:
    """The seat's own samples, checked for shape (a seat page is not trusted input)."""

    def numbers(key: str, limit: int) -> list[float]:
        value = payload.get(key)
        if not isinstance(value, list) or len(value) > limit:
            raise ClassTestError(f"result: {key} must be a list of at most {limit} numbers",
                                 status=400)  # fmt: skip
        out = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (int, float)) or item < 0:
                raise ClassTestError(f"result: {key} holds a non-number", status=400)
            out.append(float(item))
        return out

    stalled = payload.get("video_stalled_at_s")
    if stalled is not None and (isinstance(stalled, bool) or not isinstance(stalled, (int, float))):
        raise ClassTestError("result: video_stalled_at_s must be a number or null", status=400)
    return {
        "download_bins": numbers("download_bins", 20_000),
        "video_bins": numbers("video_bins", 20_000),
        "rtt_s": numbers("rtt_s", 20_000),
        "video_stalled_at_s": None if stalled is None else float(stalled),
    }
