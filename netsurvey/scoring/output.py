"""scores.json (docs/contracts.md §4): build the document and write it atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from netsurvey import __version__
from netsurvey.errors import UsageError
from netsurvey.scoring.profile import Profile
from netsurvey.scoring.scores_json import SchoolEntry, ScoresDocument

SCORES_SCHEMA_VERSION = 1


def scores_document(
    results: list[SchoolEntry], profile: Profile, draws: int, seed: int
) -> ScoresDocument:
    return {
        "schema_version": SCORES_SCHEMA_VERSION,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "netsurvey_version": __version__,
        "profile": {
            "name": profile.name,
            "version": profile.version,
            "title": profile.title,
            "sha256": profile.sha256,
        },
        "draws": draws,
        "seed": seed,
        "schools": results,
    }


def write_scores(document: ScoresDocument, path: Path) -> None:
    """Write via a temporary file and rename, so readers never see half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot create the folder ({exc.strerror})") from None
    data = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=".scores-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"--out {path}: cannot write ({exc.strerror})") from None
