"""A visit's facts -> school features (the scorer's input).

Reads only the visit's facts (``netsurvey.facts``: the inventory's school, merged
devices, the Wi-Fi survey, speed tests, the cart assessment).  Every figure that no
record supports stays ``None`` and adds a note to ``missing``; nothing unknown becomes 0
(the model applies the profile's defaults, and says so).

Mapping rules (plain, documented in docs/features-format.md):

* rooms, pupils, grades, carts and circuits come from the inventory;
* Wi-Fi: each current survey point gives its serving BSS (the one rule in
  ``wifi/serving.py``: the connected link, else band steering, else the strongest BSS of
  the school's SSIDs); a room's RSSI is the mean over its
  points, its spread their standard deviation, its noise the mean noise;
  each serving radio becomes an AP radio (channel, width, standard, BSS-load
  utilisation) and a radio hears another when a point sees it above -82 dBm;
* a radio belongs to the AP device placed in its room (inventory ``room``),
  which gives its switch (``uplink_to``), PoE class need and, from the switch as SNMP
  and SSH read it (merged), the port speed and class;
* switch uplinks: ``uplink_port`` speed and the busier direction;
  PoE budget and class allocation from POWER-ETHERNET-MIB;
* WAN: every ok ``speedtest`` record is one sample.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netsurvey.errors import RecordsError
from netsurvey.facts import VisitFacts, load_facts
from netsurvey.inventory import DeviceSpec, School
from netsurvey.inventory import Room as InventoryRoom
from netsurvey.records import Visit, read_visit
from netsurvey.scoring.coverage import CoverageFacts
from netsurvey.scoring.features import (
    AccessPoint,
    Cart,
    Circuit,
    Room,
    SchoolFeatures,
    Switch,
    Wan,
    other_loads_notes,
)
from netsurvey.scoring.notes import Note
from netsurvey.scoring.ports import find_interface, find_poe_port, interface_matches
from netsurvey.scoring.profile import Profile, load_profile
from netsurvey.wifi.points import SurveyPoint
from netsurvey.wifi.serving import bssid_of, room_serving, serving_bss
from probes.device import Device, Interface
from probes.wifi_parsers import Bss

logger = logging.getLogger(__name__)

HEARING_DBM = -82.0
ASSUMED_AP_STREAMS = 2  # a school AP's spatial streams when nothing says (noted per AP)
MBPS = 1e6


def _radio_key(bssid: str) -> str:
    """BSSIDs of one radio usually differ only in the last octet (one per SSID)."""
    return bssid.lower()[:14]


def _standard(bss: Bss) -> str:
    text = (bss.standard or "").upper()
    for standard, aliases in (("HE", ("HE", "AX")), ("VHT", ("VHT", "AC")), ("HT", ("HT", "N"))):
        if any(alias in text for alias in aliases):
            return standard
    return "VHT"


def _width(bss: Bss) -> int:
    return bss.width_mhz if bss.width_mhz in (20, 40, 80, 160) else 20


@dataclass
class _RoomSurvey:
    """A room's survey points: the serving BSS of each and its signal and noise."""

    signal_dbm: list[float] = field(default_factory=list)
    noise_dbm: list[float] = field(default_factory=list)
    servings: list[Bss] = field(default_factory=list)


@dataclass
class _RadioSurvey:
    """One AP radio as the points it served saw it."""

    bss: Bss
    utilisation: list[float] = field(default_factory=list)
    rooms: set[str] = field(default_factory=set)
    bssids: set[str] = field(default_factory=set)


def _same_radio_bssids(point: SurveyPoint, serving: Bss, key: str) -> set[str]:
    """BSSIDs one radio beacons for (one per SSID, any SSID): same radio key and channel."""
    return {
        b.bssid.lower()
        for b in point.bss
        if _radio_key(b.bssid) == key and b.channel == serving.channel
    }


def _serving(point: SurveyPoint, ssids: Sequence[str]) -> Bss | None:
    """The one serving-AP rule (``wifi/serving.py``); the scorer also needs the channel."""
    return serving_bss([b for b in point.bss if b.channel is not None], point.link, ssids)


class _Builder:
    def __init__(self, facts: VisitFacts, poe_class_w: Sequence[float]) -> None:
        self.facts = facts
        self.school: School = facts.school
        self.poe_class_w = poe_class_w  # the profile's allocation at the PSE by class 0..8
        self.missing: list[Note] = []
        self.evidence: dict[str, list[str]] = {}

    def note(self, key: str, **params: object) -> None:
        """Say what is missing: a ``NOTE_KINDS`` key (scoring/notes.py) and its params."""
        note = Note.of(key, **params)
        if note not in self.missing:
            self.missing.append(note)

    def cite(self, figure: str, measurement_id: str) -> None:
        self.evidence.setdefault(figure, []).append(measurement_id)

    # -- inventory parts ---------------------------------------------------------
    def classrooms(self) -> list[InventoryRoom]:
        return [r for r in self.school.rooms if r.kind == "classroom"]

    # -- Wi-Fi ---------------------------------------------------------------------
    def wifi(self) -> tuple[dict[str, _RoomSurvey], list[AccessPoint], dict[str, str]]:
        ssids = self.school.wifi.ssids
        per_room: dict[str, _RoomSurvey] = {}
        radios: dict[str, _RadioSurvey] = {}
        hears: dict[str, set[str]] = {}
        for point in self.facts.survey.points:  # current points: repeats and undos honoured
            serving = _serving(point, ssids) if point.status == "ok" else None
            if not point.room or serving is None or serving.signal_dbm is None:
                continue
            self.cite("wifi.rssi_dbm", point.measurement_id)
            key = _radio_key(serving.bssid)
            entry = per_room.setdefault(point.room, _RoomSurvey())
            entry.signal_dbm.append(serving.signal_dbm)
            if serving.noise_dbm is not None:
                entry.noise_dbm.append(serving.noise_dbm)
            entry.servings.append(serving)
            radio = radios.setdefault(key, _RadioSurvey(serving))
            radio.rooms.add(point.room)
            radio.bssids |= _same_radio_bssids(point, serving, key)
            if serving.channel_utilization_ratio is not None:
                radio.utilisation.append(serving.channel_utilization_ratio)
            for bss in point.bss:
                if ssids and bss.ssid not in ssids:
                    continue
                other = _radio_key(bss.bssid)
                if bss.signal_dbm is not None and bss.signal_dbm >= HEARING_DBM and other != key:
                    hears.setdefault(key, set()).add(other)
        names: dict[str, str] = {}
        for key, radio in radios.items():
            device = self._ap_device(radio.rooms)
            name = device.id if device else key
            names[key] = name if name not in names.values() else key
        aps = [
            self._access_point(
                names[key], radio, {names[h] for h in hears.get(key, set()) & radios.keys()}
            )
            for key, radio in radios.items()
        ]
        return per_room, aps, names

    def _ap_device(self, rooms: set[str]) -> DeviceSpec | None:
        return next((d for d in self.school.devices if d.role == "ap" and d.room in rooms), None)

    def _access_point(self, name: str, radio: _RadioSurvey, hears: set[str]) -> AccessPoint:
        bss = radio.bss
        device = self._ap_device(radio.rooms)
        switch = device.uplink_to if device else None
        port_speed, port_class = self._switch_port(switch, device)
        util = radio.utilisation
        if not util:
            self.note("wifi_no_utilisation", item=name)
        self.note("wifi_streams_assumed", item=name)  # a scan does not show spatial streams
        return AccessPoint(
            id=name,
            switch=switch,
            standard=_standard(bss),
            streams=ASSUMED_AP_STREAMS,
            width_mhz=_width(bss),
            channel=bss.channel or 0,  # _serving keeps only BSSs with a channel
            foreign_utilization_ratio=statistics.fmean(util) if util else None,
            bssids=max(1, len(radio.bssids)),
            port_speed_mbps=port_speed,
            poe_class_required=device.poe_class_required if device else None,
            poe_class_port=port_class,
            hears=tuple(sorted(hears)),
        )

    # -- switches ------------------------------------------------------------------
    def _device(self, device_id: str) -> Device | None:
        """The device as SNMP and SSH saw it together (``netsurvey.devices``)."""
        merged = self.facts.devices.get(device_id)
        if merged is None:
            return None
        for measurement_id in merged.measurement_ids:
            self.cite(f"lan.{device_id}", measurement_id)
        return merged.device

    def _switch_port(
        self, switch: str | None, ap: DeviceSpec | None
    ) -> tuple[float | None, int | None]:
        if switch is None or ap is None:
            return None, None
        read = self._device(switch)
        if read is None or not ap.uplink_port:
            return None, None
        interface = find_interface(read, ap.uplink_port)
        bps = interface.speed_bps if interface is not None else None
        poe_port = find_poe_port(read, ap.uplink_port)
        return (bps / MBPS if bps else None), (poe_port.power_class if poe_port else None)

    def switches(self, aps: list[AccessPoint]) -> list[Switch]:
        found: list[Switch] = []
        for spec in self.school.devices:
            if spec.role != "switch":
                continue
            read = self._device(spec.id)
            if read is None:
                self.note("lan_switch_unread", item=spec.id)
            uplink_speed, uplink_busy = self._uplink(spec, read)
            budget, allocated = self._poe(read)
            ap_alloc = sum(
                self.poe_class_w[ap.poe_class_port]
                for ap in aps
                if ap.switch == spec.id and ap.poe_class_port is not None
            )
            found.append(
                Switch(
                    id=spec.id,
                    uplink_mbps=uplink_speed,
                    uplink_busy_mbps=uplink_busy,
                    poe_budget_w=budget,
                    poe_other_w=max(0.0, allocated - ap_alloc) if allocated is not None else 0.0,
                )
            )
        return found

    def _uplink(self, spec: DeviceSpec, read: Device | None) -> tuple[float | None, float | None]:
        if read is None:
            return None, None
        interface = find_interface(read, spec.uplink_port) if spec.uplink_port else None
        if interface is None:
            interface = self._guess_uplink(spec, read)
        if interface is None:
            self.note("lan_uplink_unknown", item=spec.id)
            return None, None
        speed = interface.speed_bps
        rates = [r for r in (interface.in_bps, interface.out_bps) if r is not None]
        if not rates:
            self.note("lan_no_counters", item=spec.id)
        return (speed / MBPS if speed else None), (max(rates) / MBPS if rates else None)

    def _guess_uplink(self, spec: DeviceSpec, read: Device) -> Interface | None:
        """No uplink_port: an LLDP neighbour that is a router/switch, else the fastest up port."""
        ap_ports = {
            d.uplink_port for d in self.school.devices if d.uplink_to == spec.id and d.uplink_port
        }
        for neighbour in read.lldp:
            capabilities = set(neighbour.remote_capabilities)
            if "wlanAccessPoint" in capabilities or not capabilities & {"router", "bridge"}:
                continue
            interface = find_interface(read, neighbour.local_port)
            if interface is not None:
                self.note("lan_uplink_lldp", item=spec.id)
                return interface
        candidates = [
            i
            for i in read.interfaces
            if i.oper_up is not False
            and i.speed_bps
            and i.type in (None, "ethernetCsmacd")
            and not any(interface_matches(i, port) for port in ap_ports)
        ]
        if not candidates:
            return None
        best = max(candidates, key=lambda i: (i.speed_bps or 0.0, i.in_bps or 0.0))
        self.note("lan_uplink_guessed", item=spec.id, port=best.name)
        return best

    def _poe(self, read: Device | None) -> tuple[float | None, float | None]:
        if read is None or read.poe is None:
            return None, None
        known = [g.budget_w for g in read.poe.groups if g.budget_w is not None]
        allocated = 0.0
        for port in read.poe.ports:
            if port.status == "delivering":
                allocated += (
                    self.poe_class_w[port.power_class]
                    if port.power_class is not None
                    else (port.power_w or 0.0)
                )
        return (sum(known) if known else None), (allocated if known else None)

    # -- WAN -------------------------------------------------------------------------
    def wan(self) -> Wan | None:
        down: list[float] = []
        up: list[float] = []
        for test in self.facts.speed_tests:
            if test.download_bps is None:
                continue
            self.cite("wan.download_bps", test.measurement_id)
            down.append(test.download_bps / MBPS)
            if test.upload_bps is not None:
                up.append(test.upload_bps / MBPS)
        if not down:
            return None
        return Wan(down_mbps=tuple(down), up_mbps=tuple(up))

    # -- power ----------------------------------------------------------------------
    def _measured_circuits(self) -> dict[str, float]:
        """Measured circuit currents from the latest charging-cart assessment (PDU, UPS or
        clamp readings it used in place of its estimate), by circuit id."""
        assessment = self.facts.cart_assessment
        if assessment is None or not assessment.measured_circuit_a:
            return {}
        self.cite("power.measured", assessment.measurement_id)
        return dict(assessment.measured_circuit_a)

    def carts_and_circuits(self) -> tuple[list[Cart], list[Circuit]]:
        """The school's carts and circuits as visit.json recorded them (the inventory's own
        ``Cart``/``Circuit``); a circuit without a breaker rating cannot be assessed."""
        carts = list(self.school.carts)
        circuits = [c for c in self.school.circuits if c.breaker_a > 0]
        for note in other_loads_notes(carts, circuits):
            self.note(note.key, **note.params)
        return carts, circuits

    # -- coverage ------------------------------------------------------------------
    def _switch_chains(self, classrooms: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(every switch between a classroom AP and the core, the switches APs plug into).
        An inventory that does not say what feeds its APs counts every switch."""
        switches = {d.id: d for d in self.school.devices if d.role == "switch"}
        access: list[str] = []
        feeding: list[str] = []
        for device in self.school.devices:
            if device.role != "ap" or device.room not in classrooms:
                continue
            upstream = device.uplink_to
            if upstream in switches and upstream not in access:
                access.append(upstream)
            while upstream in switches and upstream not in feeding:
                feeding.append(upstream)
                upstream = switches[upstream].uplink_to
        if not feeding:
            feeding = access = list(switches)
        return tuple(feeding), tuple(access)

    def coverage(self, surveyed_rooms: Collection[str]) -> CoverageFacts:
        classrooms = [r.id for r in self.classrooms()]
        skipped = self.facts.skip_reasons
        runs = [
            dt.datetime.fromisoformat(t.started_at)
            for t in self.facts.speed_tests
            if t.download_bps is not None
        ]
        span = (max(runs) - min(runs)).total_seconds() if len(runs) > 1 else None
        feeding, access = self._switch_chains(set(classrooms))
        circuits = {c.id for c in self.school.circuits}
        carts = self.school.carts
        return CoverageFacts(
            classrooms=tuple(classrooms),
            surveyed=tuple(room for room in classrooms if room in surveyed_rooms),
            skipped=tuple(
                (room, why) for room, why in skipped.items() if room not in surveyed_rooms
            ),
            speedtests=len(runs),
            speedtest_span_s=span,
            feeding_switches=feeding,
            access_switches=access,
            switches_read=tuple(sorted(self.facts.devices)),
            carts=tuple(c.id for c in carts),
            carts_on_known_circuits=tuple(c.id for c in carts if c.circuit in circuits),
        )

    # -- all -------------------------------------------------------------------------
    def rooms(
        self, per_room: Mapping[str, _RoomSurvey], ap_of_radio: Mapping[str, str]
    ) -> list[Room]:
        rooms = []
        for info in self.classrooms():
            pupils = info.pupils if info.pupils is not None else info.capacity
            if pupils is None:
                self.note("rooms_no_pupils", item=info.id)
                continue
            survey = per_room.get(info.id)
            ap_id = None
            rssi = sd = noise = None
            if survey is not None:
                chosen = room_serving(survey.servings, lambda b: _radio_key(bssid_of(b)))
                radio = _radio_key(bssid_of(chosen)) if chosen is not None else ""
                ap_id = ap_of_radio.get(radio, radio)
                rssi = statistics.fmean(survey.signal_dbm)
                sd = statistics.stdev(survey.signal_dbm) if len(survey.signal_dbm) > 1 else None
                noise = statistics.fmean(survey.noise_dbm) if survey.noise_dbm else None
            elif per_room:
                self.note("wifi_room_unsurveyed", item=info.id)
            rooms.append(
                Room(
                    id=info.id,
                    grade=info.grade,
                    pupils=pupils,
                    ap=ap_id,
                    rssi_dbm=rssi,
                    rssi_sd_db=sd,
                    noise_dbm=noise,
                )
            )
        return rooms

    def build(self) -> SchoolFeatures:
        per_room, aps, ap_of_radio = self.wifi()
        if not per_room:
            self.note("wifi_no_points")
        rooms = self.rooms(per_room, ap_of_radio)
        wan = self.wan()
        if wan is None:
            self.note("wan_no_speedtest")
        carts, circuits = self.carts_and_circuits()
        measured = self._measured_circuits()
        students = self.school.pupils_count
        if students is None:
            self.note("pupils_unknown")
        if self.school.staff is None:
            self.note("staff_assumed")
        wifi = self.school.wifi
        return SchoolFeatures(
            id=self.school.id,
            name=self.school.name or self.school.id,
            municipality=self.school.municipality,
            students=students,
            staff=self.school.staff,
            client_standard=wifi.client_standard or "VHT",
            client_streams=wifi.client_nss or 2,
            device_ratio=1.0,
            rooms=tuple(rooms),
            aps=tuple(aps),
            switches=tuple(self.switches(aps)),
            wan=wan,
            carts=tuple(carts),
            circuits=tuple(circuits),
            measured_a=measured,
            visit=str(self.facts.directory),
            missing=tuple(self.missing),
            evidence=tuple((k, tuple(v)) for k, v in self.evidence.items()),
            coverage=self.coverage(per_room),
        )


def features_of_facts(facts: VisitFacts, profile: Profile | None = None) -> SchoolFeatures:
    """Build the scorer's features from a visit's facts; PoE class allocations come from
    ``profile`` (default: the default profile)."""
    chosen = profile if profile is not None else load_profile()
    return _Builder(facts, chosen.poe.class_w).build()


def features_of_visit(visit: Visit, profile: Profile | None = None) -> SchoolFeatures:
    """Build the scorer's features from a visit already read (and checked)."""
    return features_of_facts(load_facts(visit), profile)


def features_from_visit(directory: Path, profile: Profile | None = None) -> SchoolFeatures:
    """Build the scorer's features from one visit directory (no integrity check: the
    commands check first, through ``netsurvey.integrity.open_visit``)."""
    if not (directory / "visit.json").is_file():
        raise RecordsError(
            f"{directory}: not a visit directory (no visit.json)",
            hint="give the folder `netsurvey survey` wrote",
        )
    return features_of_visit(read_visit(directory), profile)
