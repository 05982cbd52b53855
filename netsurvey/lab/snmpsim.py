"""A local SNMP agent: snmpsim serving ``.snmprec`` recordings on a free UDP port.

    with SnmpsimAgent(data_dir) as agent:
        agent.port          # UDP port on 127.0.0.1
        agent.communities   # one per recording: the file path without ``.snmprec``

SNMPv3 users are optional; a v3 manager selects the recording by context name
(the community). As root, snmpsim must drop privileges; dropping to ``root`` is
the way that works when the venv is not readable by ``nobody``.
"""

from __future__ import annotations

import logging
import shutil
import socket
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from netsurvey.errors import LabError
from netsurvey.lab.ports import free_port
from netsurvey.lab.process import ManagedProcess, Peer

log = logging.getLogger(__name__)

EXECUTABLE = "snmpsim-command-responder"
RECORDING_SUFFIX = ".snmprec"


@dataclass(frozen=True)
class V3User:
    name: str
    auth_key: str
    auth_protocol: str = "SHA"  # MD5, SHA, SHA224, SHA256, SHA384, SHA512
    priv_key: str | None = None
    priv_protocol: str = "AES"  # DES, 3DES, AES, AES192, AES256

    def argv(self) -> list[str]:
        args = [
            f"--v3-user={self.name}",
            f"--v3-auth-key={self.auth_key}",
            f"--v3-auth-proto={self.auth_protocol}",
        ]
        if self.priv_key is None:
            return args
        return [*args, f"--v3-priv-key={self.priv_key}", f"--v3-priv-proto={self.priv_protocol}"]


def find_executable() -> str:
    beside_python = Path(sys.executable).parent / EXECUTABLE
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which(EXECUTABLE)
    if found is None:
        raise LabError(
            f"{EXECUTABLE} not found",
            hint="install the lab extra: pip install 'netsurvey[lab]'",
        )
    return found


def communities_in(data_dir: Path) -> tuple[str, ...]:
    names = (
        path.relative_to(data_dir).as_posix()[: -len(RECORDING_SUFFIX)]
        for path in data_dir.rglob(f"*{RECORDING_SUFFIX}")
    )
    return tuple(sorted(names))


class SnmpsimAgent(Peer):
    """snmpsim on ``host:port`` serving every recording in ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        v3_users: Sequence[V3User] = (),
        scratch_dir: Path | None = None,
        ready_timeout_s: float = 60.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self._port = port
        self.v3_users = tuple(v3_users)
        self.ready_timeout_s = ready_timeout_s
        self._scratch_dir = scratch_dir
        self._owned_scratch: tempfile.TemporaryDirectory[str] | None = None
        self._process: ManagedProcess | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise LabError("snmpsim agent has no port yet; start it first")
        return self._port

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def communities(self) -> tuple[str, ...]:
        return communities_in(self.data_dir)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def log_tail(self, lines: int = 20) -> str:
        return self._process.log_tail(lines) if self._process else ""

    def start(self) -> SnmpsimAgent:
        communities = self.communities
        if not communities:
            raise LabError(f"no {RECORDING_SUFFIX} files in {self.data_dir}")
        if self._port is None:
            self._port = free_port("udp", self.host)
        scratch = self._scratch()
        cache_dir = scratch / "cache"
        cache_dir.mkdir(parents=True, exist_ok=True)
        argv = [
            find_executable(),
            f"--data-dir={self.data_dir}",
            f"--cache-dir={cache_dir}",
            f"--agent-udpv4-endpoint={self.host}:{self._port}",
            "--process-user=root",
            "--process-group=root",
            "--log-level=error",
        ]
        for user in self.v3_users:
            argv.extend(user.argv())
        self._process = ManagedProcess(argv, name="snmpsim", log_dir=scratch / "log").start()
        try:
            self._process.wait_until(
                lambda: answers_get(self.host, self.port, communities[0]),
                timeout_s=self.ready_timeout_s,
            )
        except BaseException:
            self.stop()
            raise
        log.debug("snmpsim pid %s serving %s on %s", self.pid, self.data_dir, self.endpoint)
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
        if self._owned_scratch is not None:
            self._owned_scratch.cleanup()
            self._owned_scratch = None

    def _scratch(self) -> Path:
        if self._scratch_dir is not None:
            return self._scratch_dir
        self._owned_scratch = tempfile.TemporaryDirectory(prefix="netsurvey-snmpsim-")
        return Path(self._owned_scratch.name)


def answers_get(host: str, port: int, community: str, timeout_s: float = 0.3) -> bool:
    """True when an SNMPv2c GET of sysUpTime.0 gets any response."""
    request = _v2c_get(community, "1.3.6.1.2.1.1.3.0")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        try:
            sock.sendto(request, (host, port))
            sock.recvfrom(65535)
        except OSError:
            return False
    return True


def _v2c_get(community: str, oid: str) -> bytes:
    from pyasn1.codec.ber import encoder
    from pysnmp.proto import api

    proto = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    pdu = proto.GetRequestPDU()
    proto.apiPDU.set_defaults(pdu)
    proto.apiPDU.set_varbinds(pdu, [(oid, proto.Null(""))])
    message = proto.Message()
    proto.apiMessage.set_defaults(message)
    proto.apiMessage.set_community(message, community)
    proto.apiMessage.set_pdu(message, pdu)
    encoded: bytes = encoder.encode(message)
    return encoded
