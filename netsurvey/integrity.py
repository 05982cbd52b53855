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
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from netsurvey.errors import IntegrityError, RecordsError
from netsurvey.records import build_manifest, manifest_digest, read_manifest, read_visit

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
