"""`netsurvey field` as a command: bad input is one line and exit 2 (before the url
line), --lan prints a QR code, SIGTERM stops cleanly with the manifest sealed."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from netsurvey.records import read_manifest
from tests.web.conftest import DEMO_INVENTORY, DEMO_SCHOOL, REPO, FieldServer, start_field


def field(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netsurvey", "field", *args],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    base = [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "v")]
    one_line_error(field(*base, "--host", "192.0.2.10"), "--host", "--lan")
    one_line_error(field(*base, "--host", "laptop.local"), "--host")
    one_line_error(field(*base, "--replay", str(tmp_path / "missing")), "--replay")
    one_line_error(field(*base, "--only", "nosuchprobe"), "nosuchprobe")
    one_line_error(field(*base, "--port", "70000"), "--port")
    one_line_error(field(*base, "--profile", "nosuchprofile"), "nosuchprofile")
    one_line_error(field(str(DEMO_INVENTORY), "--school", "nope", "--visits", "v"), "nope")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        one_line_error(field(*base, "--port", str(port)), f"--port {port}", "--port 0")
    assert not (tmp_path / "v").exists()  # nothing created for a refused start


def test_help_names_the_contract() -> None:
    result = field("--help")
    assert result.returncode == 0
    for option in ("--school", "--visits", "--host", "--port", "--lan", "--replay"):
        assert option in result.stdout
    assert "url: http://HOST:PORT/?t=TOKEN" in result.stdout.replace("\n", " ").replace("  ", " ")


def test_lan_prints_a_qr_code_and_shows_it_in_the_page(
    field_servers: list[FieldServer], tmp_path: Path
) -> None:
    server = start_field(
        [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "v"),
         "--lan", "--host", "127.0.0.1"], tmp_path)  # fmt: skip
    field_servers.append(server)
    status, body = server.request(
        "GET", "/", {"Cookie": f"netsurvey_field_{server.port}={server.token}"}
    )
    assert status == 200 and b"Join from a phone" in body and b"<svg" in body
    server.kill(signal.SIGTERM)
    stderr = server.stderr_path.read_text()
    assert "scan this code" in stderr and "█" in stderr
    assert server.process.returncode == 143  # SIGTERM, as for every netsurvey command
    assert "terminated" in stderr


def test_ctrl_c_stops_cleanly_and_seals_the_visit(
    field_servers: list[FieldServer], tmp_path: Path
) -> None:
    server = start_field(
        [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "v")], tmp_path
    )
    field_servers.append(server)
    server.kill(signal.SIGINT)
    assert server.process.returncode == 0
    assert "stopped; everything saved" in server.stderr_path.read_text()
    visit = next((tmp_path / "v" / DEMO_SCHOOL).iterdir())
    manifest = read_manifest(visit)
    assert manifest is not None and "visit.json" in manifest["files"]


def test_new_visit_and_visit_id_choose_the_visit(
    field_servers: list[FieldServer], tmp_path: Path
) -> None:
    base = [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "v")]
    first = start_field([*base, "--visit-id", "autumn"], tmp_path)
    field_servers.append(first)
    first.kill(signal.SIGINT)
    again = start_field(base, tmp_path)  # the latest one is continued
    field_servers.append(again)
    again.kill(signal.SIGINT)
    assert sorted(p.name for p in (tmp_path / "v" / DEMO_SCHOOL).iterdir()) == ["autumn"]
    fresh = start_field([*base, "--new-visit"], tmp_path)
    field_servers.append(fresh)
    fresh.kill(signal.SIGINT)
    assert len(list((tmp_path / "v" / DEMO_SCHOOL).iterdir())) == 2
    one_line_error(field(*base, "--visit-id", "../escape"), "--visit-id")
