"""The namespace lab itself: naming, teardown by PID, cleanup after failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netsurvey.errors import LabError
from netsurvey.lab.netns import (
    NETNS_RUN_DIR,
    Namespace,
    VethLink,
    namespace_name,
    remove_stale_namespaces,
)

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


def test_names_carry_purpose_and_pid() -> None:
    assert namespace_name("bw-client") == f"ns-bw-client-{os.getpid()}"
    with pytest.raises(LabError, match="purpose"):
        namespace_name("bad name!")


def test_subnet_must_be_benchmarking_space() -> None:
    with pytest.raises(LabError, match=r"198\.18\.0\.0/15"):
        VethLink(Namespace("a"), Namespace("b"), subnet="10.0.0.0/30")


@needs_root
def test_teardown_kills_everything_inside_and_removes_files() -> None:
    with Namespace("tdown", hosts={"www.speedtest.net": "198.18.0.2"}) as namespace:
        peer = namespace.process(["sleep", "60"], name="sleeper")
        stray = subprocess.Popen(namespace.argv(["sleep", "60"]))  # not registered with us
        assert (namespace.etc_dir / "hosts").read_text().endswith("198.18.0.2\twww.speedtest.net\n")
        assert namespace.path.exists()
    assert not namespace.path.exists()
    assert not namespace.etc_dir.exists()
    assert not peer.running()
    assert stray.wait(timeout=5) != 0


@needs_root
def test_cleanup_after_a_failure_inside_the_block() -> None:
    with pytest.raises(RuntimeError), Namespace("boom") as namespace:
        namespace.process(["sleep", "60"], name="sleeper")
        raise RuntimeError("test failed half way")
    assert not namespace.path.exists()


@needs_root
def test_stale_namespaces_of_dead_processes_are_removed() -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    name = namespace_name("stale", pid=dead.pid)
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        assert remove_stale_namespaces(["stale"]) == [name]
        assert not (NETNS_RUN_DIR / name).exists()
    finally:
        if Path(NETNS_RUN_DIR / name).exists():
            subprocess.run(["ip", "netns", "delete", name], check=False)
