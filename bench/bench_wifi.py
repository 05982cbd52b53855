"""Wi-Fi survey benchmarks, written to bench/wifi.json.

* Parse throughput (BSS entries per second) for each scan format, on the real corpus
  recordings (iw, iwlist, nmcli, netsh, pcap) and on a large synthetic iw scan built
  by repeating the corpus one; the reference measured in the same run is
  ``json.loads`` of the same BSS list as JSON (how fast the data can be read at all).
* Heatmap render time for a 200-point floor (30 m x 12 m, the test floor plan PNG):
  the IDW grid alone, the PNG and the SVG; the reference is Pillow opening, resizing
  and saving the plan image once.

    .venv/bin/python bench/bench_wifi.py
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image  # noqa: E402

from netsurvey.wifi.colours import signal_scale  # noqa: E402
from netsurvey.wifi.floorplan import FloorMap, RoomBox  # noqa: E402
from netsurvey.wifi.heatmap import Sample, default_reach_m, idw_grid  # noqa: E402
from netsurvey.wifi.render import GRID_CELLS, Metric, render_png, render_svg  # noqa: E402
from netsurvey.wifi.thresholds import WifiThresholds  # noqa: E402
from probes.wifi_parsers import parse_scan  # noqa: E402

CORPUS = Path(os.environ.get("NETSURVEY_CORPUS", REPO.parent / "shared" / "corpus")) / "wifi"
PLAN = REPO / "tests" / "fixtures" / "wifi" / "floor1.png"
OUT = REPO / "bench" / "wifi.json"
SAMPLES = {
    "iw": CORPUS / "iw_scan" / "iw-scan1.out",
    "iwlist": CORPUS / "iwlist_scan" / "iwlist_test.txt",
    "nmcli": CORPUS / "nmcli" / "nmcli_test.txt",
    "netsh": CORPUS / "other_os" / "windows_netsh_test.txt",
    "pcap": CORPUS / "pcap" / "test1.pcap",
}


def best_of(repeats: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def _repeat(action: Callable[[bytes], object], data: bytes, times: int) -> list[object]:
    return [action(data) for _ in range(times)]


def parse_rates() -> dict[str, Any]:
    results: dict[str, Any] = {}
    inputs = {name: path.read_bytes() for name, path in SAMPLES.items()}
    big = inputs["iw"] if inputs["iw"].endswith(b"\n") else inputs["iw"] + b"\n"
    inputs["iw x40 (1040 BSS)"] = big * 40
    for name, data in inputs.items():
        count = len(parse_scan(data).bss)
        as_json = json.dumps([b.to_json() for b in parse_scan(data).bss]).encode()
        loops = max(1, 2000 // max(count, 1)) if name != "pcap" else 5
        parse_s = best_of(5, partial(_repeat, parse_scan, data, loops)) / loops
        json_s = best_of(5, partial(_repeat, json.loads, as_json, loops)) / loops
        results[name] = {
            "bss": count,
            "bytes": len(data),
            "parse_s": round(parse_s, 6),
            "bss_per_s": round(count / parse_s),
            "reference_json_loads_s": round(json_s, 7),
            "ratio_to_json_loads": round(parse_s / json_s, 1),
        }
    return results


def two_hundred_points() -> FloorMap:
    rng = random.Random(20261122)
    aps = [(5.0, 4.0), (25.0, 4.0), (15.0, 10.0)]
    samples = []
    for _ in range(200):
        x, y = rng.uniform(0.5, 29.5), rng.uniform(0.5, 11.5)
        distance = min(math.hypot(x - ax, y - ay) for ax, ay in aps)
        samples.append(
            Sample(x, y, round(-38 - 30 * math.log10(max(distance, 1.0)) + rng.gauss(0, 2), 1))
        )
    rooms = tuple(RoomBox(f"{100 + i}", 5 + 10 * i, 4, 10, 8, "pass", "–") for i in range(3))
    return FloorMap("1", 30.0, 12.0, PLAN, rooms, tuple(samples))


def render_times() -> dict[str, Any]:
    floor = two_hundred_points()
    metric = Metric("signal", "Signal (dBm)", "dBm", signal_scale(WifiThresholds()))
    reach = default_reach_m(floor.samples, floor.width_m, floor.height_m)
    cells_x, cells_y = GRID_CELLS, round(GRID_CELLS * floor.height_m / floor.width_m)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)

        def reference() -> None:
            with Image.open(PLAN) as image:
                image.convert("RGB").resize((1200, 480)).save(out / "ref.png", compress_level=6)

        idw_s = best_of(
            5, lambda: idw_grid(floor.samples, 30.0, 12.0, cells_x, cells_y, reach_m=reach)
        )
        png_s = best_of(3, lambda: render_png(floor, metric, "bench", "200 points", out / "h.png"))
        svg_s = best_of(3, lambda: render_svg(floor, metric, "bench", "200 points", out / "h.svg"))
        reference_s = best_of(5, reference)
        png_bytes = (out / "h.png").stat().st_size
    return {
        "points": len(floor.samples),
        "grid_cells": [cells_x, cells_y],
        "idw_grid_s": round(idw_s, 4),
        "png_s": round(png_s, 4),
        "svg_s": round(svg_s, 4),
        "png_bytes": png_bytes,
        "reference_plan_open_resize_save_s": round(reference_s, 4),
        "png_ratio_to_reference": round(png_s / reference_s, 1),
    }


def main() -> None:
    result: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
        },
        "parse": parse_rates(),
        "heatmap_200_points": render_times(),
    }
    parse_summary = statistics.median(v["bss_per_s"] for v in result["parse"].values())
    result["summary"] = {
        "median_parse_bss_per_s": round(parse_summary),
        "heatmap_png_200_points_s": result["heatmap_200_points"]["png_s"],
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
