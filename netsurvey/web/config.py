"""What `netsurvey field` was started with: fixed for the life of the server."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from netsurvey.scoring.profile import DEFAULT_PROFILE


@dataclass(frozen=True)
class FieldConfig:
    inventory: Path
    school_id: str
    visits: Path
    replay: Path | None = None
    only: tuple[str, ...] | None = None  # probes of the survey plan (None = all)
    operator: str | None = None
    visit_id: str | None = None  # continue (or create) this visit instead of the latest
    new_visit: bool = False  # start a new visit even if the school has one
    scans: int = 3
    scan_interval_s: float = 1.0
    points_per_room: int = 2
    iperf_seconds: float = 5.0
    interface: str | None = None
    profile: str = DEFAULT_PROFILE  # scoring profile of the results page (name or YAML)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def csrf_token(self) -> str:
        """Derived from the access token: pages carry it, every POST must echo it."""
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()[:40]
