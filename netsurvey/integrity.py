"""Visit integrity: compare a visit with its manifest; sign and verify the manifest.

The manifest (``manifest.json``) lists the sha256 of every file in the visit. Its
digest (``records.manifest_digest``) is printed in the PDF, so a reviewer can match
report and data. Optionally the technician signs the manifest digest with an Ed25519
key (``signature.json``): the public key travels with the signature and its
fingerprint is printed, so the reviewer checks it against the technician's key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from netsurvey.errors import IntegrityError, RecordsError
from netsurvey.records import (
    MANIFEST_FILE,
    Visit,
    build_manifest,
    manifest_digest,
    read_manifest,
    read_visit,
)
from netsurvey.scoring.scores_json import IntegrityJson

SIGNATURE_FILE = "signature.json"


@dataclass(frozen=True)
class VerifyReport:
    directory: Path
    digest: str | None
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    record_problems: tuple[str, ...] = ()
    signature: str | None = None  # "valid (key SHA256:...)", "absent", or "INVALID"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.record_problems) and (
            self.signature is None or not self.signature.startswith("INVALID")
        )


def verify_visit(directory: Path) -> VerifyReport:
    manifest = read_manifest(directory)
    if manifest is None:
        raise IntegrityError(
            f"{directory}: no manifest.json",
            hint="the survey writes one when it ends; `netsurvey verify --update` creates it",
        )
    expected: dict[str, str] = manifest.get("files", {})
    actual = build_manifest(directory)["files"]
    changed = tuple(sorted(p for p in expected if p in actual and actual[p] != expected[p]))
    missing = tuple(sorted(p for p in expected if p not in actual))
    added = tuple(sorted(p for p in actual if p not in expected))
    problems = list(_record_problems(directory))
    return VerifyReport(
        directory=directory,
        digest=manifest_digest(manifest),
        changed=changed,
        missing=missing,
        added=added,
        record_problems=tuple(problems),
        signature=_signature_state(directory, manifest_digest(manifest)),
    )


# ---------------------------------------------------------------------- the gate

IntegrityStateName = Literal["sealed", "altered", "unsealed"]


@dataclass(frozen=True)
class IntegrityState:
    """What `score`, `report` and `summary` found when they checked a visit first.

    ``sealed``: every file matches manifest.json. ``altered``: a file is missing,
    changed, added, or a symbolic link (named in ``files``). ``unsealed``: no manifest
    (an interrupted survey), so nothing can be checked.
    """

    state: IntegrityStateName
    files: tuple[str, ...]
    manifest_sha256: str | None

    def to_json(self) -> IntegrityJson:
        return {
            "state": self.state,
            "files": list(self.files),
            "manifest_sha256": self.manifest_sha256,
        }


def _symlinks(directory: Path) -> list[str]:
    """Symbolic links anywhere in the visit (never followed)."""
    found = []
    for root, dirs, files in os.walk(directory, followlinks=False):
        for name in (*dirs, *files):
            path = Path(root) / name
            if path.is_symlink():
                found.append(path.relative_to(directory).as_posix())
    return sorted(found)


def check_visit(directory: Path) -> IntegrityState:
    """Compare a visit with its manifest, the check `verify` does, without signing."""
    links = _symlinks(directory)
    if (directory / MANIFEST_FILE).is_symlink():
        return IntegrityState("altered", tuple(f"{p} (symbolic link)" for p in links), None)
    manifest = read_manifest(directory)
    if manifest is None:
        return IntegrityState("unsealed", (), None)
    expected: dict[str, str] = manifest.get("files", {})
    actual = build_manifest(directory)["files"]
    altered = [f"{p} (symbolic link)" for p in links]
    altered += sorted(
        f"{p} (changed)" for p in expected if p in actual and actual[p] != expected[p]
    )
    altered += sorted(f"{p} (missing)" for p in expected if p not in actual and p not in links)
    altered += sorted(f"{p} (added)" for p in actual if p not in expected)
    return IntegrityState(
        "altered" if altered else "sealed", tuple(altered), manifest_digest(manifest)
    )


def require_intact(directory: Path, allow_altered: bool = False) -> IntegrityState:
    """The gate before anything is scored or reported: exit 4 (``IntegrityError``)
    naming the first file, unless the caller accepts altered evidence (it is then
    stamped as such)."""
    state = check_visit(directory)
    if state.state == "sealed" or allow_altered:
        return state
    if state.state == "unsealed":
        raise IntegrityError(
            f"{directory}: evidence not sealed (no {MANIFEST_FILE}; an interrupted survey?)",
            hint="finish or resume the survey, or seal it after checking with "
            "`netsurvey verify --update`; --allow-altered renders it stamped",
        )
    more = f" and {len(state.files) - 1} more" if len(state.files) > 1 else ""
    raise IntegrityError(
        f"{directory}: evidence altered: {state.files[0]}{more}",
        hint="`netsurvey verify` lists every file; restore the original visit, "
        "or pass --allow-altered to render it stamped 'Evidence altered'",
    )


def open_visit(directory: Path, allow_altered: bool = False) -> tuple[Visit, IntegrityState]:
    """Check a visit against its manifest, then read it: what every consumer starts with,
    so `score`, `report` and `summary` accept and refuse the same visits."""
    if not (directory / "visit.json").exists() and not (directory / "visit.json").is_symlink():
        raise RecordsError(
            f"{directory}: not a visit directory (no visit.json)",
            hint="give the folder `netsurvey survey` wrote",
        )
    state = require_intact(directory, allow_altered)
    return read_visit(directory), state


def _record_problems(directory: Path) -> list[str]:
    """Every record's raw files must exist and match the sha256 the record holds."""
    try:
        visit = read_visit(directory)
    except RecordsError as exc:
        return [exc.one_line()]
    problems = list(visit.skipped_lines)
    for measurement in visit.measurements:
        for ref in measurement.raw:
            path = directory / ref.path
            if not path.is_file():
                problems.append(f"{measurement.id}: raw file {ref.path} is missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != ref.sha256:
                problems.append(f"{measurement.id}: raw file {ref.path} does not match its sha256")
    return problems


# ---------------------------------------------------------------------- signing


def public_key_fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def generate_key(path: Path) -> str:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return public_key_fingerprint(key.public_key())


def sign_visit(directory: Path, key_path: Path, signer: str | None = None) -> str:
    manifest = read_manifest(directory)
    if manifest is None:
        raise IntegrityError(
            f"{directory}: no manifest.json to sign", hint="run `netsurvey verify --update` first"
        )
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise IntegrityError(f"{key_path}: not a readable Ed25519 private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise IntegrityError(
            f"{key_path}: not an Ed25519 key",
            hint="create one with `netsurvey verify --new-key FILE`",
        )
    digest = manifest_digest(manifest)
    signature = key.sign(digest.encode())
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    document = {
        "manifest_sha256": digest,
        "signer": signer,
        "algorithm": "ed25519",
        "public_key": base64.b64encode(public).decode(),
        "signature": base64.b64encode(signature).decode(),
    }
    (directory / SIGNATURE_FILE).write_text(json.dumps(document, indent=2))
    return public_key_fingerprint(key.public_key())


def _signature_state(directory: Path, digest: str) -> str | None:
    path = directory / SIGNATURE_FILE
    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text())
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(document["public_key"]))
        public.verify(base64.b64decode(document["signature"]), digest.encode())
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return "INVALID: the signature does not match this manifest"
    if document.get("manifest_sha256") != digest:
        return "INVALID: signed a different manifest"
    return f"valid (key {public_key_fingerprint(public)}, signer {document.get('signer') or 'unnamed'})"
