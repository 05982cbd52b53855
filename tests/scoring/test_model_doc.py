"""docs/model.md is the document the code cites: every citation points at a section that
exists, nothing cites the out-of-repository model basis, and every number of the default
profile is documented there."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
MODEL_DOC = REPO / "docs" / "model.md"
CITING = ("netsurvey", "probes", "docs", "report_templates", "tests", "bench")
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".md", ".html", ".j2", ".txt", ".toml"}
OLD_NAME = "model" + "-basis"  # split so this file does not cite it
SECTION_REF = re.compile(r"§(\d+(?:\.\d+)*)(?:-(\d+(?:\.\d+)*))?")
# section signs in model.md that belong to other documents (IEEE 802.11-2020, DGUV 608)
EXTERNAL_REFS = {"9.4.2.27", "4.2.2"}
# profile sections whose every key is a number or setting of the model
PROFILE_SECTIONS = (
    "wifi",
    "mac",
    "ethernet",
    "utilisation",
    "score",
    "background",
    "test_start",
    "wan",
    "power",
    "poe",
)


def _sections() -> set[str]:
    found = set()
    for line in MODEL_DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#{2,3} (\d+(?:\.\d+)?)\.? ", line)
        if match:
            found.add(match.group(1))
    return found


def _text_files() -> list[Path]:
    files = [REPO / "README.md"]
    for folder in CITING:
        files += [
            path
            for path in (REPO / folder).rglob("*")
            if path.suffix in TEXT_SUFFIXES and path.is_file() and "__pycache__" not in path.parts
        ]
    return files


def _citations() -> list[tuple[str, str]]:
    """(where, section) for every "docs/model.md §N" in the repository's text files."""
    cited = []
    for path in _text_files():
        if path == MODEL_DOC:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            start = line.find("docs/model.md")
            if start < 0:
                continue
            for match in SECTION_REF.finditer(line[start:]):
                where = f"{path.relative_to(REPO)}:{number}"
                cited += [(where, ref) for ref in match.groups() if ref is not None]
    return cited


def test_the_document_has_numbered_sections() -> None:
    sections = _sections()
    assert {str(n) for n in range(1, 14)} <= sections
    assert {"4.2", "6.3", "7.7"} <= sections


def test_every_citation_points_at_an_existing_section() -> None:
    sections = _sections()
    cited = _citations()
    assert len(cited) >= 20, "expected the scorer and power code to cite docs/model.md"
    missing = [f"{where}: §{ref}" for where, ref in cited if ref not in sections]
    assert not missing, missing


def test_internal_references_point_at_existing_sections() -> None:
    sections = _sections()
    text = MODEL_DOC.read_text(encoding="utf-8")
    refs = {ref for match in SECTION_REF.finditer(text) for ref in match.groups() if ref}
    assert refs - EXTERNAL_REFS <= sections, sorted(refs - EXTERNAL_REFS - sections)


def test_nothing_cites_the_model_basis_file() -> None:
    stale = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _text_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OLD_NAME in line
    ]
    assert not stale, stale


def test_every_number_of_the_default_profile_is_documented() -> None:
    profile = yaml.safe_load(
        (REPO / "netsurvey/scoring/profiles/lv-2024.yaml").read_text(encoding="utf-8")
    )
    text = MODEL_DOC.read_text(encoding="utf-8")
    undocumented = [
        f"{section}.{key}"
        for section in PROFILE_SECTIONS
        for key in profile[section]
        if f"`{key}`" not in text and f"`{section}.{key}`" not in text
    ]
    undocumented += [app for app in profile["applications"] if f"`{app}`" not in text]
    undocumented += [b["id"] for b in profile["benchmarks"] if f"`{b['id']}`" not in text]
    assert not undocumented, undocumented
