"""Draw simple floor plans (rooms as labelled rectangles) for the demo inventories.

    python -m netsurvey.lab.floorplan inventories/demo/*.yaml

writes each floor's ``plan_image`` from the rooms' centre, width and depth. The
plans are ordinary PNGs: a real school's scanned plan is used the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont

PX_PER_M = 20
MARGIN_PX = 0  # the image's edges are the floor's edges (what the heatmap assumes)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default()


def draw_floor(rooms: list[dict[str, Any]], width_m: float, height_m: float, path: Path) -> None:
    size = (int(width_m * PX_PER_M) + 2 * MARGIN_PX, int(height_m * PX_PER_M) + 2 * MARGIN_PX)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = _font(16)

    def px(x_m: float, y_m: float) -> tuple[float, float]:
        return (MARGIN_PX + x_m * PX_PER_M, MARGIN_PX + y_m * PX_PER_M)

    draw.rectangle([px(0, 0), (size[0] - 1, size[1] - 1)], outline="#333333", width=4)
    for room in rooms:
        half_w = float(room.get("width_m", 8)) / 2
        half_d = float(room.get("depth_m", 8)) / 2
        x, y = float(room["x_m"]), float(room["y_m"])
        draw.rectangle(
            [px(x - half_w, y - half_d), px(x + half_w, y + half_d)], outline="#555555", width=2
        )
        label = str(room["id"])  # no words: a plan is shown in reports of every language
        draw.text(px(x - half_w + 0.4, y - half_d + 0.3), label, fill="#333333", font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def main(argv: list[str]) -> int:
    for name in argv:
        source = Path(name)
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        for school in data.get("schools", []):
            for floor in school.get("floors", []):
                rooms = [
                    r
                    for r in school.get("rooms", [])
                    if str(r.get("floor")) == str(floor["id"]) and "x_m" in r
                ]
                target = source.parent / floor["plan_image"]
                draw_floor(rooms, float(floor["width_m"]), float(floor["height_m"]), target)
                print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
