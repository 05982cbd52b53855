"""School features: the scorer's input, from a visit or written by a planner.

The YAML format is documented in docs/features-format.md.  Rates are Mbit/s
(``_mbps``) because planners think in them; the model works in Mbit/s too.
Anything unknown is ``None`` and the dimension that needs it is reported as
missing, never scored as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netsurvey.errors import ProfileError
from netsurvey.fields import Node, duplicate_id, load_document
from netsurvey.power.spec import Cart as Cart
from netsurvey.power.spec import Circuit as Circuit
from netsurvey.scoring.coverage import CoverageFacts
from netsurvey.scoring.notes import Note
from netsurvey.scoring.notes import listed as listed_items
from netsurvey.scoring.phy import MAX_WIDTH_MHZ, STANDARDS

FEATURES_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Room:
    id: str
    grade: int | None
    pupils: int
    ap: str | None
    rssi_dbm: float | None
    rssi_sd_db: float | None
    noise_dbm: float | None


@dataclass(frozen=True)
class AccessPoint:
    id: str
    switch: str | None
    standard: str
    streams: int
    width_mhz: int
    channel: int
    foreign_utilization_ratio: float | None
    bssids: int
    port_speed_mbps: float | None
    poe_class_required: int | None
    poe_class_port: int | None
    hears: tuple[str, ...] | None


@dataclass(frozen=True)
class Switch:
    id: str
    uplink_mbps: float | None
    uplink_busy_mbps: float | None
    poe_budget_w: float | None
    poe_other_w: float


@dataclass(frozen=True)
class Wan:
    down_mbps: tuple[float, ...]
    up_mbps: tuple[float, ...]


@dataclass(frozen=True)
class SchoolFeatures:
    id: str
    name: str
    municipality: str | None
    students: int | None  # None: neither grades nor classrooms say (noted; counts no load)
    staff: int | None  # None: not given; the model takes the profile's default
    client_standard: str
    client_streams: int
    device_ratio: float
    rooms: tuple[Room, ...]
    aps: tuple[AccessPoint, ...]
    switches: tuple[Switch, ...]
    wan: Wan | None
    carts: tuple[Cart, ...]
    circuits: tuple[Circuit, ...]
    # Measured rms current per circuit id with the carts charging (PDU, UPS or clamp
    # meter); where known it replaces the modelled current of that circuit.
    measured_a: Mapping[str, float] = field(default_factory=dict)
    visit: str | None = None
    missing: tuple[Note, ...] = ()  # what is not measured, as ids (scoring/notes.py)
    evidence: tuple[tuple[str, tuple[str, ...]], ...] = ()
    skipped_rooms: tuple[tuple[str, str], ...] = ()  # (room id, reason) not surveyed on purpose
    coverage: CoverageFacts | None = None  # counted from a visit's records; None: derived

    def staff_or(self, default: int) -> int:
        """The staff count, or ``default`` (the profile's) when the school does not say."""
        return self.staff if self.staff is not None else default

    def users(self, default_staff: int) -> int:
        """Students and staff (``default_staff`` when the staff count is not given)."""
        return (self.students or 0) + self.staff_or(default_staff)

    def coverage_facts(self) -> CoverageFacts:
        """What the evidence covers. Planning mode: a room with an RSSI is surveyed, a
        switch with any figure is read, every WAN sample is one speedtest."""
        if self.coverage is not None:
            return self.coverage
        feeding = tuple(sorted({ap.switch for ap in self.aps if ap.switch is not None}))
        circuits = {circuit.id for circuit in self.circuits}
        return CoverageFacts(
            classrooms=tuple(room.id for room in self.rooms if room.pupils > 0),
            surveyed=tuple(room.id for room in self.rooms if room.rssi_dbm is not None),
            skipped=self.skipped_rooms,
            speedtests=len(self.wan.down_mbps) if self.wan is not None else 0,
            speedtest_span_s=None,
            feeding_switches=feeding,
            access_switches=feeding,
            switches_read=tuple(
                switch.id
                for switch in self.switches
                if switch.uplink_mbps is not None or switch.poe_budget_w is not None
            ),
            carts=tuple(cart.id for cart in self.carts),
            carts_on_known_circuits=tuple(
                cart.id for cart in self.carts if cart.circuit in circuits
            ),
        )


def _standard(node: Node, key: str, default: str) -> str:
    value = node.opt(key)
    if value is None:
        return default
    standard = value.text().upper()
    if standard not in STANDARDS:
        raise value.fail(f"unknown Wi-Fi standard '{standard}'", hint="use HT, VHT or HE")
    return standard


def _room(node: Node) -> Room:
    node.check_keys(
        {"id", "grade", "pupils", "ap", "rssi_dbm", "rssi_sd_db", "noise_dbm", "skipped"}
    )
    ap = node.opt("ap")
    return Room(
        id=node.get("id").ident(),
        grade=node.int_("grade", None, 0, 13),
        pupils=node.get("pupils").integer(0, 500),
        ap=ap.text() if ap is not None else None,
        rssi_dbm=node.float_("rssi_dbm", None, -120, 0),
        rssi_sd_db=node.float_("rssi_sd_db", None, 0, 30),
        noise_dbm=node.float_("noise_dbm", None, -130, -40),
    )


def _ap(node: Node) -> AccessPoint:
    node.check_keys(
        {
            "id",
            "switch",
            "standard",
            "streams",
            "width_mhz",
            "channel",
            "foreign_utilization_ratio",
            "bssids",
            "port_speed_mbps",
            "poe_class_required",
            "poe_class_port",
            "hears",
        }
    )
    standard = _standard(node, "standard", "VHT")
    width_node = node.get("width_mhz")
    width = width_node.integer(20, 160)
    if width not in (20, 40, 80, 160):
        raise width_node.fail("channel width must be 20, 40, 80 or 160 MHz")
    if width > MAX_WIDTH_MHZ[standard]:
        raise width_node.fail(f"{standard} has no {width} MHz channels")
    switch = node.opt("switch")
    hears = node.opt("hears")
    bssids = node.int_("bssids", None, 1, 64)
    return AccessPoint(
        id=node.get("id").ident(),
        switch=switch.text() if switch is not None else None,
        standard=standard,
        streams=node.get("streams").integer(1, 8),
        width_mhz=width,
        channel=node.get("channel").integer(1, 196),
        foreign_utilization_ratio=node.float_("foreign_utilization_ratio", None, 0, 1),
        bssids=bssids if bssids is not None else 1,
        port_speed_mbps=node.float_("port_speed_mbps", None, 1, 100_000),
        poe_class_required=node.int_("poe_class_required", None, 0, 8),
        poe_class_port=node.int_("poe_class_port", None, 0, 8),
        hears=tuple(item.text() for item in hears.items()) if hears is not None else None,
    )


def _switch(node: Node) -> Switch:
    node.check_keys({"id", "uplink_mbps", "uplink_busy_mbps", "poe_budget_w", "poe_other_w"})
    other = node.float_("poe_other_w", None, 0, 10_000)
    return Switch(
        id=node.get("id").ident(),
        uplink_mbps=node.float_("uplink_mbps", None, 1, 400_000),
        uplink_busy_mbps=node.float_("uplink_busy_mbps", None, 0, 400_000),
        poe_budget_w=node.float_("poe_budget_w", None, 0, 10_000),
        poe_other_w=other if other is not None else 0.0,
    )


def _wan(node: Node) -> Wan:
    node.check_keys({"down_mbps", "up_mbps"})
    down = node.get("down_mbps").numbers(0.001)
    up_node = node.opt("up_mbps")
    if not down:
        raise node.get("down_mbps").fail("needs at least one speedtest sample")
    return Wan(down_mbps=down, up_mbps=up_node.numbers(0.001) if up_node is not None else ())


def _cart(node: Node) -> Cart:
    node.check_keys({"id", "slots", "charger_w", "slots_at_once", "circuit", "battery_wh"})
    at_once = node.int_("slots_at_once", None, 1, 200)
    circuit = node.opt("circuit")
    return Cart(
        id=node.get("id").ident(),
        slots=node.get("slots").integer(1, 200),
        charger_w=node.float_("charger_w", None, 1, 500),
        sequencing="all" if at_once is None else "sequenced",
        slots_at_once=at_once,
        circuit=circuit.text() if circuit is not None else None,
        battery_wh=node.float_("battery_wh", None, 1, 500),
    )


def _circuit(node: Node) -> tuple[Circuit, float | None]:
    """A circuit and its measured current, if the planner gives one (``measured_a``)."""
    node.check_keys({"id", "breaker_a", "other_loads_w", "rcd_ma", "measured_a"})
    circuit = Circuit(
        id=node.get("id").ident(),
        breaker_a=node.get("breaker_a").number(1, 125),
        other_loads_w=node.float_("other_loads_w", None, 0, 100_000),
        rcd_ma=node.float_("rcd_ma", None, 1, 1000),
    )
    return circuit, node.float_("measured_a", None, 0, 200)


def other_loads_notes(carts: Iterable[Cart], circuits: Iterable[Circuit]) -> tuple[Note, ...]:
    """A note when a circuit that feeds a cart declares no other loads: the model takes
    the profile's default for it (circuits without carts do not count in the score)."""
    fed = {cart.circuit for cart in carts}
    undeclared = [c.id for c in circuits if c.other_loads_w is None and c.id in fed]
    return (Note.of("power_other_loads_assumed", items=listed_items(undeclared)),) if undeclared else ()


def _unique(node: Node, ids: list[str], what: str) -> None:
    """Ids are unique, also ignoring letter case (the inventory's rule)."""
    found = duplicate_id(ids)
    if found is None:
        return
    index, item_id, earlier = found
    items = list(node.items()) if isinstance(node.value, list) else []
    where = items[index] if index < len(items) else node
    same = "" if item_id == earlier else f" (same as '{earlier}' apart from letter case)"
    raise where.fail(f"duplicate {what} id '{item_id}'{same}", hint="ids must be unique")


def _client_streams(client: Node | None) -> int:
    streams = client.int_("streams", None, 1, 4) if client is not None else None
    return streams if streams is not None else 2


def school_from_node(node: Node) -> SchoolFeatures:
    node.check_keys(
        {
            "id",
            "name",
            "municipality",
            "students",
            "staff",
            "client",
            "device_ratio",
            "rooms",
            "aps",
            "switches",
            "wan",
            "carts",
            "circuits",
            "kind",
        }
    )

    def listed(key: str) -> list[Node]:
        value = node.opt(key)
        return list(value.items()) if value is not None else []

    client = node.opt("client")
    rooms = tuple(_room(item) for item in listed("rooms"))
    aps = tuple(_ap(item) for item in listed("aps"))
    switches = tuple(_switch(item) for item in listed("switches"))
    carts = tuple(_cart(item) for item in listed("carts"))
    circuits_measured = [_circuit(item) for item in listed("circuits")]
    circuits = tuple(circuit for circuit, _ in circuits_measured)
    for key, items in (
        ("rooms", rooms),
        ("aps", aps),
        ("switches", switches),
        ("carts", carts),
        ("circuits", circuits),
    ):
        _unique(node.opt(key) or node, [item.id for item in items], key.rstrip("s"))
    ap_ids = {ap.id for ap in aps}
    for room, room_node in zip(rooms, listed("rooms"), strict=True):
        if room.ap is not None and room.ap not in ap_ids:
            raise room_node.get("ap").fail(f"room {room.id} names unknown AP '{room.ap}'")
    switch_ids = {sw.id for sw in switches}
    for ap, ap_node in zip(aps, listed("aps"), strict=True):
        if ap.switch is not None and ap.switch not in switch_ids:
            raise ap_node.get("switch").fail(f"AP {ap.id} names unknown switch '{ap.switch}'")
        for heard in ap.hears or ():
            if heard not in ap_ids:
                raise ap_node.get("hears").fail(f"AP {ap.id} hears unknown AP '{heard}'")
    skipped = tuple(
        (room.id, reason.text())
        for room, room_node in zip(rooms, listed("rooms"), strict=True)
        if (reason := room_node.opt("skipped")) is not None
    )
    circuit_ids = {c.id for c in circuits}
    for cart, cart_node in zip(carts, listed("carts"), strict=True):
        if cart.circuit is not None and cart.circuit not in circuit_ids:
            raise cart_node.get("circuit").fail(
                f"cart {cart.id} names unknown circuit '{cart.circuit}'"
            )
    municipality = node.opt("municipality")
    ratio = node.opt("device_ratio")
    wan = node.opt("wan")
    return SchoolFeatures(
        id=node.get("id").ident(),
        name=node.get("name").text(),
        municipality=municipality.text() if municipality is not None else None,
        students=node.get("students").integer(0, 100_000),
        staff=node.get("staff").integer(0, 10_000),
        client_standard=_standard(client, "standard", "VHT") if client is not None else "VHT",
        client_streams=_client_streams(client),
        device_ratio=ratio.number(0, 4) if ratio is not None else 1.0,
        rooms=rooms,
        aps=aps,
        switches=switches,
        wan=_wan(wan) if wan is not None else None,
        carts=carts,
        circuits=circuits,
        measured_a={c.id: amps for c, amps in circuits_measured if amps is not None},
        missing=other_loads_notes(carts, circuits),
        skipped_rooms=skipped,
    )


def parse_features(tree: Node) -> tuple[SchoolFeatures, ...]:
    tree.check_keys({"schema_version", "schools"})
    version = tree.opt("schema_version")
    if version is not None and version.integer(1, 1000) > FEATURES_SCHEMA_VERSION:
        raise version.fail(
            f"features schema {version.value} is newer than this netsurvey understands",
            hint="upgrade netsurvey",
        )
    schools = tuple(school_from_node(item) for item in tree.get("schools").items())
    if not schools:
        raise tree.get("schools").fail("no schools listed")
    _unique(tree.get("schools"), [s.id for s in schools], "school")
    return schools


def load_features(path: Path) -> tuple[SchoolFeatures, ...]:
    """Read a planning-mode features file."""
    tree, _ = load_document(path, ProfileError)
    return parse_features(tree)
