"""`netsurvey demo` end to end: the three demo schools are surveyed through real peers,
scored and reported; the grades differ for the designed reasons; nothing secret leaks
into any output; the lab leaves no namespace or process behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, requires_tool

pytestmark = [pytest.mark.slow, requires_tool("iperf3", "snmpget")]

SECRETS = {
    "NETSURVEY_DEMO_COMMUNITY": "demo-c0mmun1ty-7f3a",
    "NETSURVEY_DEMO_SSH_PASSWORD": "s3cret-pw-91ab",
}


def lab_leftovers() -> list[str]:
    names = subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, check=False
    ).stdout
    found = [line.split()[0] for line in names.splitlines() if line.startswith("ns-demo-")]
    processes = subprocess.run(
        ["ps", "-eo", "args="], capture_output=True, text=True, check=False
    ).stdout
    found += [
        line
        for line in processes.splitlines()
        if "netsurvey.lab" in line
        or ("snmpsim-command-responder" in line and "snmpsim-cache" in line)
    ]
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    env = os.environ | SECRETS | {"NETSURVEY_LAB_CAPTURE": "1"}
    result = subprocess.run([sys.executable, "-m", "netsurvey", "demo", "--out", str(out)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (out / "demo.log").write_text(result.stderr)
    return out


def test_outputs_exist(demo: Path) -> None:
    for school in ("valmiera-vg", "rujiena-ps", "zvirgzdene-ps"):
        for lang in ("lv", "en"):
            pdf = demo / "reports" / f"{school}.{lang}.pdf"
            assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert (demo / "summary.xlsx").is_file() and (demo / "summary.csv").is_file()
    assert "Demo schools" in (demo / "demo.log").read_text()


def test_grades_differ_for_the_designed_reasons(demo: Path) -> None:
    scores = {s["school_id"]: s for s in json.loads((demo / "scores.json").read_text())["schools"]}
    overall = {school: entry["overall"]["score"] for school, entry in scores.items()}
    assert overall["valmiera-vg"] > overall["rujiena-ps"] > overall["zvirgzdene-ps"]
    assert len({entry["overall"]["grade"] for entry in scores.values()}) == 3
    rural = scores["zvirgzdene-ps"]
    assert rural["bottleneck"]["dimension"] in ("wan", "power")
    assert rural["dimensions"]["wan"]["score"] < 40 and rural["dimensions"]["power"]["score"] < 40


def test_every_visit_verifies(demo: Path) -> None:
    for visit in sorted((demo / "visits").glob("*/*")):
        result = subprocess.run([sys.executable, "-m", "netsurvey", "verify", str(visit)], capture_output=True,
                                text=True, check=False)  # fmt: skip
        assert result.returncode == 0, result.stdout


def test_no_secret_in_any_output(demo: Path) -> None:
    """Visit files, raw sidecars, logs, PDFs (text) and sheets hold none of the secrets."""
    texts: list[tuple[Path, bytes]] = []
    for path in demo.rglob("*"):
        if not path.is_file() or "lab" in path.relative_to(demo).parts[:1]:
            continue  # out/lab holds the simulated devices' own configuration
        data = path.read_bytes()
        if path.suffix == ".pdf":
            data = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, check=False
            ).stdout
        if path.suffix == ".xlsx":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        texts.append((path, data))
    assert len(texts) > 20
    for secret in SECRETS.values():
        leaks = [str(path) for path, data in texts if secret.encode() in data]
        assert not leaks, f"secret found in {leaks}"


def test_lab_left_nothing_behind(demo: Path) -> None:
    assert lab_leftovers() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="namespaces need root")
def test_lab_up_down_twice(tmp_path: Path) -> None:
    env = os.environ | SECRETS
    for _ in range(2):
        for action in ("up", "status", "down"):
            result = subprocess.run(
                [sys.executable, "-m", "netsurvey", "lab", action, "--work", str(tmp_path / "lab"),
                 *(["inventories/demo/zvirgzdene-ps.yaml"] if action == "up" else [])],
                cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr[-2000:]
        assert lab_leftovers() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="namespaces need root")
def test_no_packet_left_the_declared_scope(demo: Path) -> None:
    """Every IPv4 packet that left a demo laptop's namespace went to its school's scope
    (or was a DHCP broadcast / multicast on the LAN)."""
    import ipaddress

    from scapy.layers.inet import IP
    from scapy.utils import rdpcap

    from netsurvey.inventory import load_inventory

    checked = 0
    for inventory in sorted((REPO / "inventories" / "demo").glob("*.yaml")):
        school = load_inventory(inventory).schools[0]
        guard = school.scope_guard()
        captures = sorted((demo / "lab" / school.id).glob("capture-*.pcap"))
        assert captures, f"no capture for {school.id}"
        for capture in captures:
            for packet in rdpcap(str(capture)):
                if IP not in packet:
                    continue  # LLDP, ARP: link-local by nature
                destination = ipaddress.ip_address(packet[IP].dst)
                if destination.is_multicast or str(destination) == "255.255.255.255":
                    continue
                assert guard.allows(str(destination)), (
                    f"{school.id}: packet to {destination} in {capture.name}"
                )
                checked += 1
    assert checked > 100, "the captures saw too little traffic to prove anything"


def test_snmp_and_ssh_devices_form_one_list(demo: Path) -> None:
    (visit,) = (demo / "visits" / "valmiera-vg").iterdir()
    result = subprocess.run([sys.executable, "-m", "netsurvey", "devices", str(visit), "--json"], capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    devices = json.loads(result.stdout)
    assert {"sw-core", "sw-2", "ap-201", "pdu-2"} <= set(devices)
    assert devices["sw-core"]["sources"]["interfaces"] == "snmp"
    assert devices["sw-2"]["sources"]["poe"] == "ssh"
    assert devices["sw-2"]["poe"]["groups"][0]["budget_w"] == 370


def test_scorer_and_wifi_chapter_pick_the_same_serving_ap(demo: Path) -> None:
    """One serving-AP rule: for every survey point of every demo visit the scorer and the
    Wi-Fi chapter name the same BSS (and so the same AP, signal and channel load)."""
    from netsurvey.records import read_visit
    from netsurvey.scoring.from_visit import _serving as scorer_serving
    from netsurvey.wifi.analysis import _serving as chapter_serving
    from netsurvey.wifi.points import SurveyPoint
    from netsurvey.wifi.store import current_point_records

    compared = 0
    for visit_dir in sorted((demo / "visits").glob("*/*")):
        visit = read_visit(visit_dir)
        ssids = tuple(visit.info.data["school"]["wifi"]["ssids"])
        for record in current_point_records(visit.measurements):
            if record.status != "ok":
                continue
            point = SurveyPoint.from_record(record)
            own = [b for b in point.bss if b.ssid in ssids]
            by_scorer = scorer_serving(point, ssids)
            by_chapter = chapter_serving(point, own)
            scorer_bssid = by_scorer.bssid if by_scorer else None
            assert scorer_bssid == (by_chapter.bssid if by_chapter else None), record.id
            compared += 1
    assert compared >= 30


def test_class_test_is_set_beside_the_model_in_score_and_report(
    demo: Path, tmp_path: Path
) -> None:
    """Three seats of a real class test (loopback) in room 11 of the average school: the
    model (720p for 60 pupils there) and the measurement agree, in scores.json and in
    the report's "Measured with the class's own devices" section (lv and en)."""
    from tests.classtest.model_beside_measurement import model_beside_measurement

    (visit,) = sorted((demo / "visits" / "rujiena-ps").iterdir())
    model_beside_measurement(visit, "11", tmp_path)
