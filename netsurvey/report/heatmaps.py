"""The heatmap images a report embeds, one per floor, in the report's language.

What a folder may hold (``VISIT/out`` or ``netsurvey report --heatmaps DIR``):

* ``floor-<id>-signal.svg|png`` – `netsurvey wifi heatmap` in English (its default);
* ``floor-<id>-signal.<lang>.svg|png`` – the same with ``--lang lv`` (or another language);
* ``heatmap-<floor>.<lang>.svg|png|jpg`` – your own image in that language;
* ``heatmap-<floor>.svg|png|jpg`` – your own image; its language is not known, so any
  report shows it.

A report takes, per floor, the image in its language (SVG before PNG), else one whose
language is not known; a floor whose only maps are in another language is left out
with a warning that says how to make the missing one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from netsurvey.report.locale import LANGUAGES
from netsurvey.report.text import clean_text

logger = logging.getLogger(__name__)

HEATMAP_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
HEATMAP_MAX_BYTES = 4 * 1024 * 1024
GENERATED_LANGUAGE = "en"  # `netsurvey wifi heatmap` without --lang


@dataclass(frozen=True)
class Heatmap:
    floor: str
    path: Path  # the first of ``variants``
    variants: tuple[tuple[str | None, Path], ...] = ()  # (language or None: not known, image)

    def in_language(self, lang: str) -> Path | None:
        """The image whose words are in ``lang``, else one of unknown language."""
        variants = self.variants or ((None, self.path),)
        for wanted in (lang, None):
            for variant_lang, path in variants:
                if variant_lang == wanted:
                    return path
        return None


def find_heatmaps(directory: Path) -> tuple[Heatmap, ...]:
    """Heatmap images in ``directory``, per floor with every language found; symlinks
    out of the folder and files over HEATMAP_MAX_BYTES are never taken."""
    if not directory.is_dir():
        return ()
    root = directory.resolve()
    by_floor: dict[str, list[tuple[str | None, Path]]] = {}
    for path in sorted(directory.iterdir(), key=lambda p: (p.suffix.lower() != ".svg", p.name)):
        if not path.resolve().is_relative_to(root):
            continue  # a symlink out of the folder: never follow it into a report
        if path.suffix.lower() not in HEATMAP_SUFFIXES:
            continue
        if not path.is_file() or path.stat().st_size > HEATMAP_MAX_BYTES:
            continue
        named = heatmap_name(path.stem)
        if named is not None:
            floor, lang = named
            by_floor.setdefault(floor, []).append((lang, path.resolve()))
    return tuple(
        Heatmap(floor=clean_text(floor), path=variants[0][1], variants=tuple(variants))
        for floor, variants in sorted(by_floor.items())
    )


def heatmap_name(stem: str) -> tuple[str, str | None] | None:
    """(floor, language or None) from a file name without its suffix; None when the
    file is not a heatmap."""
    base, dot, tail = stem.rpartition(".")
    lang = tail.lower() if dot and tail.lower() in LANGUAGES else None
    name = base if lang else stem
    lowered = name.lower()
    if lowered.startswith("floor-") and lowered.endswith("-signal"):
        floor = name[len("floor-") : -len("-signal")]
        return (floor, lang or GENERATED_LANGUAGE) if floor else None
    for prefix in ("heatmap-", "heatmap_", "heatmap"):
        if lowered.startswith(prefix):
            return name[len(prefix) :] or name, lang
    return None


def heatmaps_in_language(heatmaps: tuple[Heatmap, ...], lang: str) -> list[tuple[str, Path]]:
    """(floor, image) for a report in ``lang``; a floor without one is named in a warning."""
    chosen: list[tuple[str, Path]] = []
    for heatmap in heatmaps:
        path = heatmap.in_language(lang)
        if path is not None:
            chosen.append((heatmap.floor, path))
            continue
        logger.warning(
            "floor %s: the heatmap is not in this report's language (%s), so it is left out; "
            "make it with `netsurvey wifi heatmap --visit VISIT --out VISIT/out --lang %s`",
            heatmap.floor, lang, lang,
        )  # fmt: skip
    return chosen
