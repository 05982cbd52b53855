"""Real iperf3 servers for tests, benchmarks and the demo lab.

``Iperf3Server`` is one ``iperf3 -s`` on a free port, on loopback or inside a
namespace; ``Iperf3ServerPool`` starts several (one port per flow, as the classroom
load test needs: an iperf3 server runs one test at a time).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from netsurvey.errors import LabError
from netsurvey.lab.netns import Namespace
from netsurvey.lab.ports import free_port
from netsurvey.lab.process import ManagedProcess, Peer


def iperf3_executable() -> str:
    path = shutil.which("iperf3")
    if path is None:
        raise LabError("iperf3 not found; install it (Debian: apt-get install iperf3)")
    return path


class Iperf3Server(Peer):
    """``with Iperf3Server(bind="198.18.0.2", namespace=ns) as server: server.port``"""

    def __init__(
        self,
        *,
        bind: str = "127.0.0.1",
        port: int | None = None,
        namespace: Namespace | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.bind = bind
        self.port = port or free_port("tcp")
        self.namespace = namespace
        self.log_dir = log_dir
        self._process: ManagedProcess | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, ready_timeout_s: float = 10.0) -> Iperf3Server:
        argv = [iperf3_executable(), "-s", "-B", self.bind, "-p", str(self.port), "--forceflush"]
        name = f"iperf3-{self.port}"
        if self.namespace is not None:
            self._process = self.namespace.process(argv, name=name, log_dir=self.log_dir)
        else:
            self._process = ManagedProcess(argv, name=name, log_dir=self.log_dir).start()
        process = self._process
        try:
            process.wait_until(lambda: "Server listening" in process.log_tail(), ready_timeout_s)
        except LabError:
            process.stop()
            raise
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()


class Iperf3ServerPool(Peer):
    """``count`` servers on consecutive free ports starting at ``first_port``."""

    def __init__(
        self,
        count: int,
        *,
        bind: str = "127.0.0.1",
        first_port: int | None = None,
        namespace: Namespace | None = None,
    ) -> None:
        base = first_port or free_port("tcp")
        self.servers = [
            Iperf3Server(bind=bind, port=base + index, namespace=namespace)
            for index in range(count)
        ]

    @property
    def first_port(self) -> int:
        return self.servers[0].port

    def start(self) -> Iperf3ServerPool:
        try:
            for server in self.servers:
                server.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
