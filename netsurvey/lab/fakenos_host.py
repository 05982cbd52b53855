"""FakeNOS SSH devices on free 127.0.0.1 ports, served by one subprocess stopped by PID.

Each device answers the commands you give it (usually real recorded outputs) on
top of the outputs FakeNOS ships for its platform and the session commands its
netmiko driver sends (paging, width, enable), so an unmodified netmiko connects to
it as it would to the real switch::

    devices = [FakeDevice("sw1", "cisco_ios", "survey", "s3cret", {"show version": RAW})]
    with FakenosHosts(devices) as lab:
        port = lab.port("sw1")

An output may also be a ``Behaviour`` to misbehave on purpose: answer late
(``delay_s``) or switch the prompt (``new_prompt``), which is how tests make a
device stop answering mid-command or show an unexpected prompt. ``FakenosHosts(...,
namespace=ns)`` runs the devices inside a lab network namespace instead.

The runner half of this module (``python -m netsurvey.lab.fakenos_host SPEC``) is
the only place that imports FakeNOS.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsurvey.errors import LabError
from netsurvey.lab.ports import free_port
from netsurvey.lab.process import ManagedProcess, Peer

if TYPE_CHECKING:
    from netsurvey.lab.netns import Namespace

log = logging.getLogger(__name__)

MIKROTIK_LOGIN_SUFFIX = "+ct511w4098h"  # netmiko appends this to the RouterOS username

# Session commands each netmiko driver sends before the survey's own commands.
_SESSION_COMMANDS: dict[str, tuple[str, ...]] = {
    "cisco_ios": ("terminal length 0", "terminal width 511"),
    "cisco_s300": ("terminal width 511", "terminal datadump"),
    "hp_procurve": ("no page", "terminal width 511", "terminal length 1000"),
    "aruba_aoscx": ("no page",),
    "hp_comware": ("screen-length disable",),
    "juniper_junos": (
        "set cli screen-length 0",
        "set cli screen-width 511",
        "set cli complete-on-space off",
    ),
    "mikrotik_routeros": (),
    "ubiquiti_edgeswitch": ("terminal length 0", "terminal width 511"),
    "ruckus_fastiron": ("skip-page-display",),
    "cisco_wlc_ssh": ("config paging disable", "config paging enable", "logout"),
}
# Platforms FakeNOS ships no definition for get a minimal one from these prompts.
_PROMPTS: dict[str, tuple[str, str]] = {
    "aruba_aoscx": ("{base_prompt}#", "{base_prompt}#"),
    "cisco_wlc_ssh": ("{base_prompt} >", "{base_prompt} >"),
}
_SHIPPED_PROMPT_OVERRIDES = {"mikrotik_routeros": "{base_prompt} > "}
_BASE_PROMPTS = {"cisco_wlc_ssh": "(Cisco Controller)"}
# Login banners, where the netmiko driver waits for one (ProCurve reads up to "Copyright").
_BANNERS = {
    "hp_procurve": "HP J9773A 2530-24G-PoEP Switch\nSoftware revision YA.16.10.0009\n\n"
    "(C) Copyright 2020 Hewlett Packard Enterprise Development LP\n",
}


@dataclass(frozen=True)
class Behaviour:
    """A command answer that misbehaves: late, or leaving a different prompt behind."""

    output: str = ""
    delay_s: float = 0.0
    new_prompt: str | None = None


@dataclass(frozen=True)
class FakeDevice:
    name: str
    platform: str  # netmiko-style platform name as in probes/data/ssh_platforms.yaml
    username: str
    password: str
    outputs: Mapping[str, str | Behaviour] = field(default_factory=dict)
    host_key_file: Path | None = None  # RSA private key; None = FakeNOS's built-in key
    prompt: str | None = None  # e.g. "{base_prompt}>"; None = the platform's usual prompt

    def __post_init__(self) -> None:
        if self.platform not in _SESSION_COMMANDS:
            raise LabError(
                f"FakeNOS device {self.name}: unknown platform {self.platform!r}; "
                f"known: {', '.join(sorted(_SESSION_COMMANDS))}"
            )


class FakenosHosts(Peer):
    """Start ``devices`` in one FakeNOS subprocess on free ports of ``address``.

    With ``namespace`` the subprocess runs inside that network namespace (the demo
    lab), listening on ``address`` there; readiness is signalled by the runner itself,
    so no connection from outside the namespace is needed.
    """

    def __init__(
        self,
        devices: Sequence[FakeDevice],
        *,
        log_dir: Path | None = None,
        ready_s: float = 20.0,
        namespace: Namespace | None = None,
        address: str = "127.0.0.1",
    ) -> None:
        names = [d.name for d in devices]
        if len(set(names)) != len(names):
            raise LabError(f"FakeNOS device names must be unique: {names}")
        self.devices = tuple(devices)
        self.ready_s = ready_s
        self.address = address
        self._keep_logs = log_dir is not None
        self._workdir = Path(tempfile.mkdtemp(prefix="netsurvey-fakenos-"))
        self._spec_path = self._workdir / "spec.json"
        self._ports = {d.name: free_port() for d in devices}
        argv = [sys.executable, "-m", "netsurvey.lab.fakenos_host", str(self._spec_path)]
        self._process = ManagedProcess(
            namespace.argv(argv) if namespace is not None else argv,
            name="fakenos",
            log_dir=log_dir or self._workdir,
        )

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def port(self, name: str) -> int:
        try:
            return self._ports[name]
        except KeyError:
            raise LabError(f"no FakeNOS device named {name!r}") from None

    def start(self) -> FakenosHosts:
        spec = {
            "address": self.address,
            "devices": [_device_spec(d, self._ports[d.name]) for d in self.devices],
        }
        self._spec_path.write_text(json.dumps(spec), encoding="utf-8")
        self._process.start()
        try:
            self._process.wait_until(_ready_path(self._spec_path).exists, timeout_s=self.ready_s)
        except BaseException:
            self._process.stop()
            raise
        log.debug("FakeNOS serving %s on %s", self._ports, self.address)
        return self

    def stop(self) -> None:
        self._process.stop()
        if not self._keep_logs:
            shutil.rmtree(self._workdir, ignore_errors=True)


def _ready_path(spec_path: Path) -> Path:
    """Written by the runner once every device's socket is bound and listening."""
    return spec_path.with_suffix(".ready")


def _device_spec(device: FakeDevice, port: int) -> dict[str, Any]:
    outputs = {
        command: asdict(answer) if isinstance(answer, Behaviour) else {"output": answer}
        for command, answer in device.outputs.items()
    }
    return {
        "name": device.name,
        "platform": device.platform,
        "username": device.username,
        "password": device.password,
        "port": port,
        "host_key_file": str(device.host_key_file) if device.host_key_file else None,
        "prompt": device.prompt,
        "outputs": outputs,
    }


# --------------------------------------------------------------------------- runner


def _command_entry(answer: Mapping[str, Any]) -> dict[str, Any]:
    text = answer.get("output", "")
    delay_s = float(answer.get("delay_s") or 0.0)
    entry: dict[str, Any] = {"output": text, "help": "recorded output"}
    if delay_s > 0:

        def late(*_args: Any, **_kwargs: Any) -> str:
            time.sleep(delay_s)
            return str(text)

        entry["output"] = late
    if answer.get("new_prompt"):
        entry["new_prompt"] = answer["new_prompt"]
    return entry


def _nos_definition(spec: Mapping[str, Any], shipped: Mapping[str, Any] | None) -> dict[str, Any]:
    platform = spec["platform"]
    commands: dict[str, Any] = {}
    if shipped is not None:
        commands.update(shipped.get("commands") or {})
        initial = _SHIPPED_PROMPT_OVERRIDES.get(
            platform, shipped.get("initial_prompt", "{base_prompt}>")
        )
    else:
        initial = _PROMPTS.get(platform, ("{base_prompt}>", "{base_prompt}#"))[0]
    initial = spec.get("prompt") or initial
    for command in _SESSION_COMMANDS[platform]:
        commands.setdefault(command, {"output": "", "help": "session setting"})
    # Like a device without an enable secret: "enable" works from any prompt, silently.
    enable_prompt = "{base_prompt}#" if not initial.endswith("#") else initial
    commands["enable"] = {"output": "", "new_prompt": enable_prompt, "help": "enter enable mode"}
    for command, answer in (spec.get("outputs") or {}).items():
        commands[command] = _command_entry(answer)
    return {"name": f"netsurvey_{spec['name']}", "initial_prompt": initial, "commands": commands}


def _shipped_platform(platform: str) -> dict[str, Any] | None:
    import yaml
    from fakenos.plugins.nos import nos_plugins

    for path in nos_plugins.get(platform, []):
        if str(path).endswith((".yaml", ".yml")):
            with open(path, encoding="utf-8") as handle:
                data: dict[str, Any] = yaml.safe_load(handle)
                return data
    return None


def _base_prompt(spec: Mapping[str, Any]) -> str:
    if spec["platform"] == "mikrotik_routeros":
        return f"[{spec['username']}@{spec['name']}]"
    return _BASE_PROMPTS.get(spec["platform"], str(spec["name"]))


def _serial_input_tap(channel_stdio: Any, shell_stdin: Any, replied: Any, run_srv: Any) -> None:
    """Echo what the client types and hand each line to the shell, then wait for the
    shell's next prompt before reading on, as a real device's single CLI process does.

    FakeNOS's own tap echoes from another thread than the shell's output, so under
    load an echo could overtake a late prompt and netmiko would read a shifted answer.
    """
    buffer = bytearray()
    while run_srv.is_set():
        byte = channel_stdio.read(1)
        if not byte or not channel_stdio.channel.active:
            break
        if byte in (b"\r", b"\n"):
            channel_stdio.write(b"\r\n")
            line = buffer.decode("utf-8", errors="replace") + "\n"
            buffer.clear()
            replied.clear()
            shell_stdin.write(line)
            while run_srv.is_set() and not replied.wait(0.05):
                pass
        elif byte != b"\x00":
            channel_stdio.write(byte)
            buffer += byte


def _prompt_aware_output_tap(
    channel_stdio: Any, shell_stdout: Any, replied: Any, run_srv: Any
) -> None:
    """Forward the shell's output; a chunk without a newline is the prompt: signal it."""
    while run_srv.is_set() and not channel_stdio.closed:
        chunk = shell_stdout.readline()
        if chunk is None:
            break
        if "\r\n" not in chunk and "\n" in chunk:
            chunk = chunk.replace("\n", "\r\n")
        try:
            channel_stdio.write(chunk.encode("utf-8"))
        except (OSError, EOFError):
            break
        if not chunk.endswith("\n"):
            replied.set()


def run(spec_path: Path) -> None:
    """Serve the devices in ``spec_path`` until terminated (SIGTERM from ``stop``)."""
    import signal

    from fakenos import FakeNOS
    from fakenos.core.nos import Nos
    from fakenos.plugins.servers import ssh_server_paramiko

    ssh_server_paramiko.channel_to_shell_tap = _serial_input_tap
    ssh_server_paramiko.shell_to_channel_tap = _prompt_aware_output_tap

    document = json.loads(spec_path.read_text(encoding="utf-8"))
    specs = document["devices"]
    plugins: list[Nos] = []
    hosts: dict[str, Any] = {}
    for spec in specs:
        nos = Nos()
        nos.from_dict(_nos_definition(spec, _shipped_platform(spec["platform"])))
        plugins.append(nos)
        username = spec["username"]
        if spec["platform"] == "mikrotik_routeros":
            username += MIKROTIK_LOGIN_SUFFIX
        server_config: dict[str, Any] = {"address": document["address"], "timeout": 1}
        if spec.get("host_key_file"):
            server_config["ssh_key_file"] = spec["host_key_file"]
        shell_config = {
            "base_prompt": _base_prompt(spec),
            "intro": _BANNERS.get(spec["platform"], "FakeNOS"),
        }
        hosts[spec["name"]] = {
            "username": username,
            "password": spec["password"],
            "port": spec["port"],
            "server": {"plugin": "ParamikoSshServer", "configuration": server_config},
            "shell": {"plugin": "CMDShell", "configuration": shell_config},
            "nos": {"plugin": nos.name},
        }
    net = FakeNOS(inventory={"hosts": hosts}, plugins=plugins)
    stop_requested = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    net.start()  # binds every listening socket before it returns
    _ready_path(spec_path).write_text(str(os.getpid()), encoding="utf-8")
    print(f"fakenos: serving {len(hosts)} device(s)", flush=True)
    try:
        while not stop_requested:
            time.sleep(0.1)
    finally:
        # FakeNOS joins its session threads on stop; a session stuck in a deliberately
        # slow answer would hold the process, so give it a moment and then just exit.
        stopper = threading.Thread(target=net.stop, daemon=True)
        stopper.start()
        stopper.join(timeout=1.0)
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    if len(sys.argv) != 2:
        sys.exit("usage: python -m netsurvey.lab.fakenos_host SPEC.json")
    run(Path(sys.argv[1]))
