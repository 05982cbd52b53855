"""Who stops watching when the lesson video does not fit: the server's referee.

The video phase answers "how many pupils can watch at this rate at once". Every
seat reports its progress every ``video_report_s`` (bytes received, how far behind
the stream it is). A seat a whole player buffer behind has failed and stops. A seat
half a buffer behind (``give_up_fraction``) and still slipping asks to stop; the
referee then estimates the capacity actually delivered (the sum of every watching
seat's receive rate over the last second, measured after the previous decision had
taken effect), lets ``watching - floor(capacity / rate)`` slipping seats stop, first
come first served, and decides again only after ``video_settle_s``.

Why not let each seat stop on its own: seats that share a link evenly fall behind in
lockstep and all cross any threshold within a round trip of each other, so far more
would stop than the link requires (4 instead of 7 of 10 at 20 Mbit/s in the lab);
one stop per settle time is too slow for 30 seats (11 must stop at 50 Mbit/s).
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import deque
from dataclasses import dataclass, field

from netsurvey.classtest.plan import ClassPlan

logger = logging.getLogger(__name__)

RATE_WINDOW_S = 1.0
MIN_RATE_SPAN_S = 0.4
KEEP_S = 2.0
# A seat not heard from for this long (after the phase's first seconds) is gone.
SILENT_S = 3.0
# A decision takes effect within this share of the settle time (stopped streams end,
# their share reaches the others); rates are measured only after it.
TAKE_EFFECT_SHARE = 0.4


@dataclass
class SeatVideo:
    received: deque[tuple[float, float]] = field(default_factory=deque)  # (time, bytes)
    behind: deque[tuple[float, float]] = field(default_factory=deque)  # (time, seconds)
    stopped: bool = False
    heard_s: float = 0.0  # when the last report arrived (server time into the phase)

    def add(self, now_s: float, received_bytes: float, behind_s: float) -> None:
        self.received.append((now_s, received_bytes))
        self.behind.append((now_s, behind_s))
        for samples in (self.received, self.behind):
            while len(samples) > 2 and samples[1][0] <= now_s - KEEP_S:
                samples.popleft()

    def received_at(self, at_s: float) -> float | None:
        """Bytes received by ``at_s``, interpolated between reports (None outside)."""
        for (t0, b0), (t1, b1) in itertools.pairwise(self.received):
            if t0 <= at_s <= t1:
                return b0 if t1 == t0 else b0 + (b1 - b0) * (at_s - t0) / (t1 - t0)
        return None

    def behind_earlier_s(self, now_s: float, ago_s: float) -> float:
        """How far behind the seat was about ``ago_s`` ago (0 before its first report)."""
        earlier = [behind for at_s, behind in self.behind if at_s <= now_s - ago_s]
        return earlier[-1] if earlier else 0.0


class VideoReferee:
    def __init__(self, plan: ClassPlan) -> None:
        self.plan = plan
        self.seats: dict[int, SeatVideo] = {}
        self.expected: set[int] = set()  # the seats taking part in the video phase
        self._batch_at_s: float | None = None
        self._quota = 0
        self._granted = 0

    def report(
        self, seat: int, now_s: float, at_s: float, received_bytes: float, behind_s: float
    ) -> bool:
        """Record a seat's progress (``at_s``: when the seat measured it, in seconds into
        the phase on its own clock; ``now_s``: the server's time into the phase); True
        tells it to stop watching. Rates use the seat's times: a report can arrive a
        second late (a connection's SYN lost in a full queue) and still be right."""
        video = self.seats.setdefault(seat, SeatVideo())
        if video.stopped:
            return True
        video.heard_s = now_s
        if video.received and at_s <= video.received[-1][0]:
            return False  # out of order: an older report overtaken by a newer one
        video.add(at_s, received_bytes, behind_s)
        plan = self.plan
        if behind_s > plan.player_buffer_s:
            video.stopped = True
            return True
        slipping = (
            behind_s > plan.player_buffer_s * plan.give_up_fraction
            and behind_s > video.behind_earlier_s(at_s, plan.video_settle_s)
        )
        if not slipping:
            return False
        if self._batch_at_s is None or now_s - self._batch_at_s >= plan.video_settle_s:
            quota = self.too_many(now_s)
            if quota is None:
                return False  # rates not measurable yet: ask again at the next report
            self._batch_at_s, self._quota, self._granted = now_s, quota, 0
        if self._granted < self._quota:
            self._granted += 1
            video.stopped = True
            return True
        return False

    def too_many(self, now_s: float) -> int | None:
        """Watching seats beyond what the delivered capacity carries at the video rate;
        None until every watching seat has reported over a common window."""
        since_s = now_s - RATE_WINDOW_S
        if self._batch_at_s is not None:
            since_s = max(since_s, self._batch_at_s + TAKE_EFFECT_SHARE * self.plan.video_settle_s)
        unheard = self.expected - set(self.seats)
        if unheard and now_s < SILENT_S:
            return None  # a seat's first report can be a lost SYN (1 s) late: wait for it
        watching = [
            video for video in self.seats.values()
            if not video.stopped and now_s - video.heard_s < SILENT_S
        ]  # fmt: skip
        if not watching or any(len(video.received) < 2 for video in watching):
            return None
        # One window for every seat, so the sum is what the link delivered in it.
        start_s = max(since_s, *(video.received[0][0] for video in watching))
        end_s = min(video.received[-1][0] for video in watching)
        if end_s - start_s < MIN_RATE_SPAN_S:
            return None
        delivered = [
            (video.received_at(end_s) or 0.0) - (video.received_at(start_s) or 0.0)
            for video in watching
        ]
        capacity_bps = sum(delivered) * 8.0 / (end_s - start_s)
        fit = math.floor(capacity_bps / self.plan.video_rate_bps + 1e-9)
        logger.info(
            "video: %d watching, %.2f Mbit/s delivered, %d fit",
            len(watching), capacity_bps / 1e6, fit,
        )  # fmt: skip
        return max(0, len(watching) - fit)
