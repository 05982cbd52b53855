"""Inventory YAML -> validated, frozen ``Inventory``.

Inheritance is resolved once, at load: ``defaults`` -> ``profiles[device.profile]``
-> the device's own keys (mappings merge key by key, the most specific wins).
Secrets are never literal: ``community_env``/``community_file``,
``auth_key_env``/``priv_key_env``, ``password_env``/``password_file``. A literal
``community:`` or ``password:`` is an error that names the field to use instead.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from netsurvey.errors import InventoryError, SecretError
from netsurvey.fields import Node, as_host, as_int, as_network, duplicate_id
from netsurvey.power.spec import Cart, Circuit, sequencing_of
from netsurvey.yamlsource import SourceMap, load_yaml
from probes.base import Scope

SCHEMA_VERSION = 1
MIN_SCOPE_PREFIX = 8  # a scope wider than a /8 (0.0.0.0/0, ::/0, 10.0.0.0/7...) is refused
ROLES = ("router", "firewall", "switch", "ap", "controller", "pdu", "ups", "server")
ROOM_KINDS = ("classroom", "lab", "hall", "office", "library", "gym", "corridor", "other")
SECRET_KEYS = {
    "community": "community_env",
    "password": "password_env",
    "auth_key": "auth_key_env",
    "priv_key": "priv_key_env",
    "secret": "secret_env",
    "key": "key_file",
}


@dataclass(frozen=True)
class SnmpAccess:
    version: str = "2c"
    port: int = 161
    community_env: str | None = None
    community_file: str | None = None
    user: str | None = None
    auth_protocol: str | None = None
    auth_key_env: str | None = None
    auth_key_file: str | None = None
    priv_protocol: str | None = None
    priv_key_env: str | None = None
    priv_key_file: str | None = None
    timeout_s: float = 2.0
    retries: int = 1

    def params(self) -> dict[str, str]:
        """Probe parameters (secrets by reference only)."""
        values = {k: v for k, v in asdict(self).items() if v is not None and k != "port"}
        return {k: str(v) for k, v in values.items()}


@dataclass(frozen=True)
class SshAccess:
    username: str
    password_env: str | None = None
    password_file: str | None = None
    key_file: str | None = None
    port: int = 22
    timeout_s: float = 20.0

    def params(self) -> dict[str, str]:
        values = {k: v for k, v in asdict(self).items() if v is not None and k != "port"}
        return {k: str(v) for k, v in values.items()}


@dataclass(frozen=True)
class DeviceSpec:
    id: str
    role: str
    mgmt_ip: str
    platform: str | None = None
    room: str | None = None
    model: str | None = None
    snmp: SnmpAccess | None = None
    ssh: SshAccess | None = None
    uplink_to: str | None = None
    uplink_port: str | None = None
    poe_class_required: int | None = None
    line: int = 0


@dataclass(frozen=True)
class Room:
    id: str
    floor: str | None = None
    kind: str = "classroom"
    capacity: int | None = None
    grade: int | None = None
    pupils: int | None = None
    x_m: float | None = None
    y_m: float | None = None
    width_m: float | None = None
    depth_m: float | None = None


@dataclass(frozen=True)
class Floor:
    id: str
    plan_image: str | None = None
    width_m: float | None = None
    height_m: float | None = None


@dataclass(frozen=True)
class TestServers:
    iperf3: str | None = None
    iperf3_port: int = 5201
    speedtest_url: str | None = None
    latency_hosts: tuple[str, ...] = ()
    resolvers: tuple[str, ...] = ()
    dns_names: tuple[str, ...] = ()

    def hosts(self) -> list[str]:
        hosts = [*self.latency_hosts, *self.resolvers]
        if self.iperf3:
            hosts.append(self.iperf3)
        if self.speedtest_url:
            from urllib.parse import urlsplit

            name = urlsplit(self.speedtest_url).hostname
            if name:
                hosts.append(name)
        return hosts


@dataclass(frozen=True)
class WifiSettings:
    ssids: tuple[str, ...] = ()
    client_standard: str = "VHT"
    client_nss: int = 2


@dataclass(frozen=True)
class WanSpec:
    down_bps: float | None = None
    up_bps: float | None = None
    provider: str | None = None


@dataclass(frozen=True)
class SurveySettings:
    """How the survey runs at this school (all optional, sensible defaults)."""

    interface: str | None = None  # laptop interface for DHCP/LLDP/gateway checks; None = skip them
    snmp_interval_s: float = 5.0
    iperf3_seconds: float = 10.0
    iperf3_streams: int = 4
    iperf3_samples: int = 3
    speedtest_samples: int = 2  # back-to-back samples in one speedtest run
    speedtest_rounds: int = 3  # runs spread over the survey (the lv-2024 grade needs three)
    reachability_count: int = 5
    lldp_wait_s: float = 35.0  # LLDP frames come every 30 s by default


@dataclass(frozen=True)
class School:
    id: str
    name: str
    municipality: str
    scope: tuple[str, ...]
    address: str | None = None
    pupils: dict[int, int] = field(default_factory=dict)
    staff: int | None = None
    devices_in_use: int | None = None
    test_servers: TestServers = field(default_factory=TestServers)
    rooms: tuple[Room, ...] = ()
    floors: tuple[Floor, ...] = ()
    devices: tuple[DeviceSpec, ...] = ()
    carts: tuple[Cart, ...] = ()
    circuits: tuple[Circuit, ...] = ()
    wifi: WifiSettings = field(default_factory=WifiSettings)
    wan: WanSpec | None = None
    survey: SurveySettings = field(default_factory=SurveySettings)
    # The simulated equipment behind this school in the demo lab (netsurvey.lab reads it).
    lab: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def pupils_count(self) -> int | None:
        """Pupils by grade, else the classrooms' pupils (a hall's or a library's people are
        pupils of some classroom too); None when neither is given. The one rule the
        scorer, the report and the summary sheet share."""
        if self.pupils:
            return sum(self.pupils.values())
        known = [r.pupils for r in self.rooms if r.kind == "classroom" and r.pupils is not None]
        return sum(known) if known else None

    def device(self, device_id: str) -> DeviceSpec:
        for device in self.devices:
            if device.id == device_id:
                return device
        raise InventoryError(f"school {self.id}: no device {device_id!r}")

    def scope_guard(self, origin: str = "") -> Scope:
        """Where probes may send packets: the declared subnets, test servers, loopback."""
        hosts = self.test_servers.hosts()
        networks = list(self.scope)
        for host in hosts:
            try:
                networks.append(str(ipaddress.ip_address(host)))
            except ValueError:
                continue
        return Scope.from_strings(
            networks,
            hosts=hosts,
            origin=f"the declared scope of school {self.id}{origin}",
            fix_hint=f"add it to schools[{self.id}].scope or .test_servers in the inventory",
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("lab", None)
        data["pupils"] = {str(k): v for k, v in self.pupils.items()}
        return data


@dataclass(frozen=True)
class Inventory:
    schema_version: int
    path: str
    sha256: str
    schools: tuple[School, ...]

    def school(self, school_id: str) -> School:
        for school in self.schools:
            if school.id == school_id:
                return school
        import difflib

        known = [s.id for s in self.schools]
        close = difflib.get_close_matches(school_id, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"schools here: {', '.join(known)}"
        raise InventoryError(f"{self.path}: no school with id {school_id!r}", hint=hint)


# ---------------------------------------------------------------------- loading


def load_inventory(path: Path | str) -> Inventory:
    path = Path(path)
    data, raw = load_yaml(path, InventoryError)
    if data is None:
        raise InventoryError(f"{path}:1: the file is empty", hint="see inventories/example.yaml")
    top = Node(data, path, 1, "", InventoryError)
    version = top.int_("schema_version", lo=1)
    if version > SCHEMA_VERSION:
        raise top.fail_at(
            "schema_version",
            f"written for a newer netsurvey (schema {version}; this one reads up to {SCHEMA_VERSION})",
            hint="upgrade netsurvey",
        )
    defaults = _plain(top.raw("defaults", None)) or {}
    if not isinstance(defaults, dict):
        raise top.fail_at("defaults", "expected a mapping")
    profiles_fields = top.opt("profiles")
    profiles: dict[str, Any] = {}
    if profiles_fields is not None:
        profiles = profiles_fields.entries()
        profiles_fields.used.update(str(k) for k in profiles)
    _refuse_literal_secrets(top)
    schools_list = top.list_of("schools")
    if not schools_list:
        raise top.fail("no schools declared", hint="add a `schools:` list")
    top.done()
    schools = [_school(item, defaults, profiles) for item in schools_list]
    _unique((s.id for s in schools), schools_list, "id")
    return Inventory(
        schema_version=version,
        path=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        schools=tuple(schools),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = copy.deepcopy(base)
        for key, value in override.items():
            merged[key] = _merge(merged.get(key), value) if key in merged else value
        return merged
    return override


def _refuse_literal_secrets(fields: Node) -> None:
    """Walk every mapping below ``fields`` and refuse literal secret keys."""

    def walk(value: Any, path: str, line: int) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                name = str(key)
                child_line = value.line_of(name) if isinstance(value, SourceMap) else line
                child_path = f"{path}.{name}" if path else name
                if name in SECRET_KEYS and isinstance(child, (str, int)) and name != "key":
                    use = SECRET_KEYS[name]
                    raise SecretError(
                        f"{fields.file}:{child_line}: {child_path}: literal secret in the inventory",
                        hint=f"use {use}: VARIABLE_NAME (an environment variable) or "
                        f"{use.replace('_env', '_file')}: PATH instead",
                    )
                walk(child, child_path, child_line)
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, f"{path}[{index}]", getattr(value, "line_of", lambda _i: line)(index))

    walk(fields.value, fields.path, fields.line)


def _unique(ids: Iterable[str], items: list[Node], what: str) -> None:
    """Ids are unique, also ignoring letter case (``AP-1`` and ``ap-1`` look alike)."""
    found = duplicate_id(ids)
    if found is None:
        return
    index, value, earlier = found
    same = "" if value == earlier else f" (same as {earlier!r} apart from letter case)"
    raise items[index].fail_at(what, f"duplicate {what} {value!r}{same}", hint="ids must be unique")


def as_scope(value: Any) -> str:
    """A school subnet: at most as wide as a /8."""
    network = ipaddress.ip_network(as_network(value))
    if network.prefixlen < MIN_SCOPE_PREFIX:
        raise ValueError(
            f"{network} is wider than a /{MIN_SCOPE_PREFIX}: a school's scope is its own "
            "subnets, never the whole Internet; list the school's subnets instead"
        )
    return str(network)


def _school(f: Node, defaults: dict[str, Any], profiles: dict[str, Any]) -> School:
    school_id = f.id_()
    scope = f.str_list("scope", as_scope)
    if not scope:
        raise f.fail("missing `scope`: the school's subnets", hint="e.g. scope: [10.12.0.0/16]")
    pupils: dict[int, int] = {}
    pupils_fields = f.opt("pupils")
    if pupils_fields is not None:
        for grade in pupils_fields.entries():
            key = str(grade)
            try:
                grade_number = int(grade)
            except (TypeError, ValueError):
                raise pupils_fields.fail_at(key, "grades are numbers 1-12") from None
            if not 1 <= grade_number <= 12:
                raise pupils_fields.fail_at(key, f"grades are numbers 1-12 (got {grade_number})")
            try:
                pupils[grade_number] = as_int(pupils_fields.entries()[grade], 0, 2000)
            except ValueError as exc:
                raise pupils_fields.fail_at(key, str(exc)) from None
    room_items = f.list_of("rooms")
    rooms = tuple(_room(item) for item in room_items)
    _unique((r.id for r in rooms), room_items, "id")
    room_ids = {r.id for r in rooms}
    floor_items = f.list_of("floors")
    floors = tuple(_floor(item, f.file) for item in floor_items)
    _unique((fl.id for fl in floors), floor_items, "id")
    device_items = f.list_of("devices")
    devices = tuple(_device(item, defaults, profiles, room_ids) for item in device_items)
    _unique((d.id for d in devices), device_items, "id")
    device_ids = {d.id for d in devices}
    for device, item in zip(devices, device_items, strict=True):
        if device.uplink_to and device.uplink_to not in device_ids:
            raise item.fail_at("uplink_to", f"no device {device.uplink_to!r} in this school")
    circuit_items = f.list_of("circuits")
    circuits = tuple(_circuit(item, room_ids, device_ids) for item in circuit_items)
    _unique((c.id for c in circuits), circuit_items, "id")
    circuit_ids = {c.id for c in circuits}
    cart_items = f.list_of("carts")
    carts = tuple(_cart(item, room_ids, circuit_ids) for item in cart_items)
    _unique((c.id for c in carts), cart_items, "id")
    school = School(
        id=school_id,
        name=f.str_("name"),
        municipality=f.str_("municipality"),
        scope=scope,
        address=f.str_("address", None),
        pupils=pupils,
        staff=f.int_("staff", None, lo=0),
        devices_in_use=f.int_("devices_in_use", None, lo=0),
        test_servers=_test_servers(f.opt("test_servers")),
        rooms=rooms,
        floors=floors,
        devices=devices,
        carts=carts,
        circuits=circuits,
        wifi=_wifi(f.opt("wifi")),
        wan=_wan(f.opt("wan")),
        survey=_survey(f.opt("survey")),
        lab=_plain(f.raw("lab", None)),
    )
    f.done()
    return school


def _room(f: Node) -> Room:
    room = Room(
        id=f.id_(),
        floor=f.str_("floor", None),
        kind=f.choice("kind", ROOM_KINDS, "classroom"),
        capacity=f.int_("capacity", None, lo=0, hi=1000),
        grade=f.int_("grade", None, lo=1, hi=12),
        pupils=f.int_("pupils", None, lo=0, hi=1000),
        x_m=f.float_("x_m", None),
        y_m=f.float_("y_m", None),
        width_m=f.float_("width_m", None, lo=0),
        depth_m=f.float_("depth_m", None, lo=0),
    )
    f.done()
    return room


def _floor(f: Node, inventory_path: Path) -> Floor:
    plan = f.str_("plan_image", None)
    if plan is not None:
        from netsurvey.wifi.planimage import PlanImageProblem, plan_inside, read_plan

        try:
            plan_path = plan_inside(inventory_path.parent, plan)
            read_plan(plan_path, strip_outside=False)
        except PlanImageProblem as exc:
            raise f.fail_at("plan_image", str(exc)) from None
        plan = str(plan_path)
    floor = Floor(
        id=f.id_(),
        plan_image=plan,
        width_m=f.float_("width_m", None, lo=1, hi=2000),
        height_m=f.float_("height_m", None, lo=1, hi=2000),
    )
    f.done()
    return floor


def _device(
    f: Node, defaults: dict[str, Any], profiles: dict[str, Any], room_ids: set[str]
) -> DeviceSpec:
    own = _plain(f.value)
    resolved: dict[str, Any] = {}
    for key in ("snmp", "ssh"):
        if key in defaults:
            resolved[key] = copy.deepcopy(defaults[key])
    profile_name = own.get("profile")
    if profile_name is not None:
        f.used.add("profile")
        if profile_name not in profiles:
            import difflib

            close = difflib.get_close_matches(str(profile_name), list(profiles), n=1)
            raise f.fail_at(
                "profile",
                f"unknown profile {profile_name!r}",
                hint=f"did you mean '{close[0]}'?"
                if close
                else f"profiles: {', '.join(profiles) or 'none declared'}",
            )
        resolved = _merge(resolved, _plain(profiles[profile_name]))
    for key, value in own.items():
        if key == "profile":
            continue
        resolved[key] = _merge(resolved.get(key), value) if key in resolved else value
    # Keep line information of the device's own keys for error messages.
    merged = SourceMap(resolved)
    merged.line = f.line
    merged.key_lines = dict(getattr(f.value, "key_lines", {}))
    m = Node(merged, f.file, f.line, f.path, InventoryError)
    m.used.add("profile")
    room = m.str_("room", None)
    if room is not None and room not in room_ids:
        import difflib

        close = difflib.get_close_matches(room, sorted(room_ids), n=1)
        raise m.fail_at(
            "room",
            f"no room {room!r} in this school",
            hint=f"did you mean '{close[0]}'?" if close else "declare it under rooms",
        )
    snmp_value = m.raw("snmp", None)
    ssh_value = m.raw("ssh", None)
    device = DeviceSpec(
        id=m.id_(),
        role=m.choice("role", ROLES),
        mgmt_ip=m.ip("mgmt_ip"),
        platform=m.str_("platform", None),
        room=room,
        model=m.str_("model", None),
        snmp=None if snmp_value in (None, False) else _snmp(m.get("snmp")),
        ssh=None if ssh_value in (None, False) else _ssh(m.get("ssh")),
        uplink_to=m.str_("uplink_to", None),
        uplink_port=m.str_("uplink_port", None),
        poe_class_required=m.int_("poe_class_required", None, lo=0, hi=8),
        line=f.line,
    )
    m.done()
    return device


def _snmp(f: Node) -> SnmpAccess:
    version = f.choice("version", ("1", "2c", "3"), "2c")
    access = SnmpAccess(
        version=version,
        port=f.int_("port", 161, lo=1, hi=65535),
        community_env=f.str_("community_env", None),
        community_file=f.str_("community_file", None),
        user=f.str_("user", None),
        auth_protocol=f.choice(
            "auth_protocol", ("MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"), None
        ),
        auth_key_env=f.str_("auth_key_env", None),
        auth_key_file=f.str_("auth_key_file", None),
        priv_protocol=f.choice("priv_protocol", ("DES", "AES", "AES-192", "AES-256"), None),
        priv_key_env=f.str_("priv_key_env", None),
        priv_key_file=f.str_("priv_key_file", None),
        timeout_s=f.float_("timeout_s", 2.0, lo=0.1, hi=120),
        retries=f.int_("retries", 1, lo=0, hi=10),
    )
    if version in ("1", "2c") and not (access.community_env or access.community_file):
        raise f.fail("SNMP v1/v2c needs community_env (or community_file)")
    if version == "3" and not access.user:
        raise f.fail("SNMP v3 needs user (and auth_key_env/priv_key_env for authNoPriv/authPriv)")
    f.done()
    return access


def _ssh(f: Node) -> SshAccess:
    access = SshAccess(
        username=f.str_("username"),
        password_env=f.str_("password_env", None),
        password_file=f.str_("password_file", None),
        key_file=f.str_("key_file", None),
        port=f.int_("port", 22, lo=1, hi=65535),
        timeout_s=f.float_("timeout_s", 20.0, lo=1, hi=600),
    )
    if not (access.password_env or access.password_file or access.key_file):
        raise f.fail("SSH needs password_env, password_file or key_file")
    f.done()
    return access


def _test_servers(f: Node | None) -> TestServers:
    if f is None:
        return TestServers()
    url = f.str_("speedtest_url", None)
    if url is not None and not url.startswith(("http://", "https://")):
        raise f.fail_at("speedtest_url", f"expected an http:// or https:// URL (got {url!r})")
    servers = TestServers(
        iperf3=f.read("iperf3", as_host, None),
        iperf3_port=f.int_("iperf3_port", 5201, lo=1, hi=65535),
        speedtest_url=url,
        latency_hosts=f.str_list("latency_hosts", as_host),
        resolvers=f.str_list("resolvers", as_host),
        dns_names=f.str_list("dns_names"),
    )
    f.done()
    return servers


def _wifi(f: Node | None) -> WifiSettings:
    if f is None:
        return WifiSettings()
    settings = WifiSettings(
        ssids=f.str_list("ssids"),
        client_standard=f.choice("client_standard", ("HT", "VHT", "HE"), "VHT"),
        client_nss=f.int_("client_nss", 2, lo=1, hi=4),
    )
    f.done()
    return settings


def _wan(f: Node | None) -> WanSpec | None:
    if f is None:
        return None
    wan = WanSpec(
        down_bps=f.float_("down_bps", None, lo=1e5, hi=1e11),
        up_bps=f.float_("up_bps", None, lo=1e5, hi=1e11),
        provider=f.str_("provider", None),
    )
    f.done()
    return wan


def _survey(f: Node | None) -> SurveySettings:
    if f is None:
        return SurveySettings()
    settings = SurveySettings(
        interface=f.str_("interface", None),
        snmp_interval_s=f.float_("snmp_interval_s", 5.0, lo=0, hi=600),
        iperf3_seconds=f.float_("iperf3_seconds", 10.0, lo=1, hi=120),
        iperf3_streams=f.int_("iperf3_streams", 4, lo=1, hi=64),
        iperf3_samples=f.int_("iperf3_samples", 3, lo=1, hi=20),
        speedtest_samples=f.int_("speedtest_samples", 2, lo=1, hi=20),
        speedtest_rounds=f.int_("speedtest_rounds", 3, lo=1, hi=10),
        reachability_count=f.int_("reachability_count", 5, lo=1, hi=100),
        lldp_wait_s=f.float_("lldp_wait_s", 35.0, lo=1, hi=300),
    )
    f.done()
    return settings


def _cart(f: Node, room_ids: set[str], circuit_ids: set[str]) -> Cart:
    circuit = f.str_("circuit")
    if circuit not in circuit_ids:
        raise f.fail_at(
            "circuit",
            f"no circuit {circuit!r} declared in this school",
            hint="declare it under circuits, or fix the id",
        )
    room = f.str_("room", None)
    if room is not None and room_ids and room not in room_ids:
        raise f.fail_at("room", f"no room {room!r} in this school")
    sequencing = sequencing_of(f.choice("sequencing", ("all", "sequenced"), "all"))
    cart = Cart(
        id=f.id_(),
        room=room,
        slots=f.int_("slots", lo=1, hi=120),
        charger_w=f.float_("charger_w", lo=5, hi=400),
        circuit=circuit,
        sequencing=sequencing,
        slots_at_once=f.int_("slots_at_once", None, lo=1, hi=120),
        slot_time_s=f.float_("slot_time_s", None, lo=1),
        battery_wh=f.float_("battery_wh", None, lo=5, hi=200),
    )
    if sequencing == "sequenced" and cart.slots_at_once is None:
        raise f.fail("a sequenced cart needs slots_at_once (how many slots charge together)")
    f.done()
    return cart


def _circuit(f: Node, room_ids: set[str], device_ids: set[str]) -> Circuit:
    pdu = f.str_("pdu", None)
    if pdu is not None and pdu not in device_ids:
        raise f.fail_at("pdu", f"no device {pdu!r} in this school")
    circuit = Circuit(
        id=f.id_(),
        breaker_a=f.float_("breaker_a", lo=2, hi=63),
        curve=f.choice("curve", ("B", "C", "D"), "B"),
        rcd_ma=f.float_("rcd_ma", None, lo=6, hi=1000),
        rcd_group=f.str_("rcd_group", None),
        other_loads_w=f.float_("other_loads_w", None, lo=0, hi=20000),
        sockets=f.int_("sockets", None, lo=0, hi=100),
        room=f.str_("room", None),
        pdu=pdu,
        pdu_outlets=f.str_list("pdu_outlets"),
    )
    f.done()
    return circuit
