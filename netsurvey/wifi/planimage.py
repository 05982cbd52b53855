"""Floor plan images: only PNG, JPEG or self-contained SVG, inside the inventory's folder.

A plan is drawn under heatmaps that end up in PDFs, so it must not carry anything from
outside itself: an SVG that points at another file (``<image href="file:///etc/passwd">``,
``xlink:href="../../secret.png"``, ``url(...)`` in a style, scripts, embedded HTML or a
DOCTYPE with entities) is refused when the inventory is loaded and stripped of those
parts when a plan recorded in a visit is drawn.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

PLAN_MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
_SAFE_DATA_URI = re.compile(r"^data:image/(png|jpeg);base64,", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_DROPPED_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed"}


class PlanImageProblem(ValueError):
    """Why a file cannot be a floor plan (the message says what and what to do)."""


@dataclass(frozen=True)
class PlanImage:
    data: bytes
    media_type: str
    removed: tuple[str, ...] = ()  # what sanitising took out of an SVG

    @property
    def is_raster(self) -> bool:
        return self.media_type != "image/svg+xml"


def plan_inside(folder: Path, written: str) -> Path:
    """The plan file named ``written`` (relative to ``folder``), which must stay inside
    ``folder`` once '..' and symlinks are resolved."""
    root = folder.resolve()
    path = (folder / written).resolve()
    if not path.is_relative_to(root):
        raise PlanImageProblem(
            f"{written!r} lies outside the inventory's folder {root}; "
            "copy the plan next to the inventory (for example plans/floor-1.png)"
        )
    if not path.is_file():
        raise PlanImageProblem(f"file not found: {path} (paths are relative to the inventory file)")
    return path


def read_plan(path: Path, *, strip_outside: bool) -> PlanImage:
    """Read and check a plan. With ``strip_outside`` an SVG's outside references are
    removed; without it they are refused."""
    media_type = PLAN_MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise PlanImageProblem(f"{path.name}: a floor plan must be a .png, .jpg/.jpeg or .svg file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanImageProblem(f"{path}: cannot read ({exc.strerror})") from None
    if media_type in _MAGIC:
        if not data.startswith(_MAGIC[media_type]):
            raise PlanImageProblem(
                f"{path.name}: the content is not a {media_type.split('/')[1].upper()} image; "
                "export the plan again as PNG, JPEG or SVG"
            )
        return PlanImage(data, media_type)
    cleaned, removed = sanitise_svg(data, path.name)
    if removed and not strip_outside:
        raise PlanImageProblem(
            f"{path.name}: the SVG refers to outside content ({removed[0]}); "
            "embed the images in the SVG or export the plan as PNG"
        )
    return PlanImage(cleaned, media_type, tuple(removed))


def sanitise_svg(data: bytes, name: str) -> tuple[bytes, list[str]]:
    """The SVG without anything that reaches outside it, and a list of what was removed."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise PlanImageProblem(
            f"{name}: SVG with a DOCTYPE or entities is not accepted; save it as plain SVG"
        )
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise PlanImageProblem(f"{name}: not a readable SVG ({exc})") from None
    if _local(root.tag) != "svg":
        raise PlanImageProblem(f"{name}: not an SVG document (root element <{_local(root.tag)}>)")
    removed: list[str] = []
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) in _DROPPED_ELEMENTS:
                parent.remove(child)
                removed.append(f"<{_local(child.tag)}>")
    for element in root.iter():
        for attribute, value in list(element.attrib.items()):
            if _outside_reference(_local(attribute), value):
                del element.attrib[attribute]
                removed.append(f"<{_local(element.tag)} {_local(attribute)}={value[:60]!r}>")
        if _local(element.tag) == "style" and element.text and _css_reaches_out(element.text):
            removed.append("<style> with url() or @import")
            element.text = ""
    if not removed:
        return data, []
    # ElementTree writes prefixed names (<ns0:svg xmlns:ns0=...>): the same SVG to any reader.
    return ET.tostring(root, encoding="utf-8"), removed


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _outside_reference(attribute: str, value: str) -> bool:
    text = value.strip()
    if attribute in ("href", "src"):
        return not (text.startswith("#") or _SAFE_DATA_URI.match(text))
    return _css_reaches_out(text)


def _css_reaches_out(text: str) -> bool:
    if "@import" in text.lower():
        return True
    return any(not target.startswith("#") for target in _CSS_URL.findall(text))
