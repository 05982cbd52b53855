"""Where a running lab is remembered between `netsurvey lab up` and `lab down`."""

from __future__ import annotations

import json
from pathlib import Path

from netsurvey.errors import LabError
from netsurvey.lab.school import LabRun

STATE_FILE = "lab-state.json"


def state_path(work_dir: Path) -> Path:
    return work_dir / STATE_FILE


def save(work_dir: Path, runs: list[LabRun]) -> Path:
    path = state_path(work_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"runs": [run.to_json() for run in runs]}, indent=2), encoding="utf-8"
    )
    return path


def load(work_dir: Path) -> list[LabRun]:
    path = state_path(work_dir)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [LabRun.from_json(item) for item in data["runs"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LabError(
            f"{path}: unreadable lab state ({exc})", hint="delete it and tear down by hand"
        ) from None


def clear(work_dir: Path) -> None:
    state_path(work_dir).unlink(missing_ok=True)
