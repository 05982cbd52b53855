"""Visit records -> school features (the scorer's input).

Reads ``visit.json`` (the inventory's school) and ``measurements.jsonl`` through
``netsurvey.records``.  Every figure that no record supports stays ``None`` and
adds a line to ``missing``; nothing unknown becomes 0.

Mapping rules (plain, documented in docs/features-format.md):

* rooms, pupils, grades, carts and circuits come from the inventory;
* Wi-Fi: each ``wifi_point`` gives the serving BSS (the connected link, else the
  strongest BSS of the school's SSIDs); a room's RSSI is the mean over its
  points, its spread their standard deviation, its noise the mean noise;
  each serving radio becomes an AP radio (channel, width, standard, BSS-load
  utilisation) and a radio hears another when a point sees it above -82 dBm;
* a radio belongs to the AP device placed in its room (inventory ``room``),
  which gives its switch (``uplink_to``), PoE class need and, from the switch's
  SNMP record, the port speed and class;
* switch uplinks: ``uplink_port`` speed and the busier direction from SNMP;
  PoE budget and class allocation from POWER-ETHERNET-MIB;
* WAN: every ok ``speedtest`` record is one sample.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netsurvey.devices import MergedDevice, merged_devices
from netsurvey.errors import RecordsError
from netsurvey.records import Measurement, Visit, read_visit
from netsurvey.scoring.coverage import CoverageFacts
from netsurvey.scoring.features import (
    AccessPoint,
    Cart,
    Circuit,
    Room,
    SchoolFeatures,
    Switch,
    Wan,
)
from netsurvey.scoring.notes import Note
from netsurvey.scoring.profile import Profile, load_profile
from netsurvey.wifi.serving import bssid_of, room_serving, serving_bss
from netsurvey.wifi.store import current_point_records

logger = logging.getLogger(__name__)

HEARING_DBM = -82.0
ASSUMED_AP_STREAMS = 2  # a school AP's spatial streams when nothing says (noted per AP)
MBPS = 1e6


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _radio_key(bssid: str) -> str:
    """BSSIDs of one radio usually differ only in the last octet (one per SSID)."""
    return bssid.lower()[:14]


def _split_port(name: str) -> tuple[str, str]:
    """'GigabitEthernet1/0/1' -> ('gigabitethernet', '1/0/1'); '1' -> ('', '1')."""
    text = name.strip().lower().replace(" ", "")
    index = next((i for i, ch in enumerate(text) if ch.isdigit()), len(text))
    return text[:index], text[index:]


def port_matches(interface: Mapping[str, Any], port_name: str) -> bool:
    """Inventory port names are often abbreviated: Gi1/0/1 is GigabitEthernet1/0/1."""
    wanted_prefix, wanted_number = _split_port(port_name)
    for key in ("name", "alias", "port"):
        value = interface.get(key)
        if not isinstance(value, str) or not value:
            continue
        if value == port_name:
            return True
        prefix, number = _split_port(value)
        if (
            number
            and number == wanted_number
            and (prefix.startswith(wanted_prefix) or wanted_prefix.startswith(prefix))
        ):
            return True
    if_index = interface.get("if_index")
    return not wanted_prefix and isinstance(if_index, int) and str(if_index) == wanted_number


def find_interface(snmp: Mapping[str, Any], port_name: str) -> Mapping[str, Any] | None:
    for interface in snmp.get("interfaces") or ():
        if isinstance(interface, Mapping) and port_matches(interface, port_name):
            return interface
    return None


def _standard(bss: Mapping[str, Any]) -> str:
    text = str(bss.get("standard") or "").upper()
    for standard, aliases in (("HE", ("HE", "AX")), ("VHT", ("VHT", "AC")), ("HT", ("HT", "N"))):
        if any(alias in text for alias in aliases):
            return standard
    return "VHT"


def _width(bss: Mapping[str, Any]) -> int:
    width = _number(bss.get("width_mhz"))
    return int(width) if width in (20.0, 40.0, 80.0, 160.0) else 20


def _same_radio_bssids(
    details: Mapping[str, Any], serving: Mapping[str, Any], key: str
) -> set[str]:
    """BSSIDs one radio beacons for (one per SSID, any SSID): same radio key and channel."""
    channel = serving.get("channel")
    return {
        str(b.get("bssid", "")).lower()
        for b in details.get("bss") or ()
        if isinstance(b, Mapping)
        and _radio_key(str(b.get("bssid", ""))) == key
        and b.get("channel") == channel
    }


def _serving(details: Mapping[str, Any], ssids: Sequence[str]) -> Mapping[str, Any] | None:
    """The one serving-AP rule (``wifi/serving.py``); the scorer also needs the channel."""
    bss_list = [
        b
        for b in details.get("bss") or ()
        if isinstance(b, Mapping) and _number(b.get("channel")) is not None
    ]
    link = details.get("link")
    return serving_bss(bss_list, link if isinstance(link, Mapping) else None, ssids)


class _Builder:
    def __init__(self, visit: Visit, poe_class_w: Sequence[float]) -> None:
        self.visit = visit
        self.poe_class_w = poe_class_w  # the profile's allocation at the PSE by class 0..8
        self._merged: dict[str, MergedDevice] | None = None
        school = visit.info.data.get("school")
        if not isinstance(school, Mapping):
            raise RecordsError(
                f"{visit.directory}/visit.json: no 'school' section",
                hint="re-run the survey with this netsurvey version",
            )
        self.school: Mapping[str, Any] = school
        self.missing: list[Note] = []
        self.evidence: dict[str, list[str]] = {}

    def note(self, key: str, **params: object) -> None:
        """Say what is missing: a ``NOTE_KINDS`` key (scoring/notes.py) and its params."""
        note = Note.of(key, **params)
        if note not in self.missing:
            self.missing.append(note)

    def cite(self, figure: str, measurement: Measurement) -> None:
        self.evidence.setdefault(figure, []).append(measurement.id)

    # -- inventory parts ---------------------------------------------------------
    def rooms_info(self) -> list[Mapping[str, Any]]:
        return [r for r in self.school.get("rooms") or () if isinstance(r, Mapping)]

    def devices(self) -> list[Mapping[str, Any]]:
        return [d for d in self.school.get("devices") or () if isinstance(d, Mapping)]

    def pupils(self) -> int:
        by_grade = self.school.get("pupils") or {}
        total = sum(int(v) for v in by_grade.values() if isinstance(v, int))
        if total == 0:
            total = sum(int(r.get("pupils") or 0) for r in self.rooms_info())
        return total

    # -- Wi-Fi ---------------------------------------------------------------------
    def wifi(self) -> tuple[dict[str, dict[str, Any]], list[AccessPoint], dict[str, str]]:
        ssids = tuple((self.school.get("wifi") or {}).get("ssids") or ())
        per_room: dict[str, dict[str, Any]] = {}
        radios: dict[str, dict[str, Any]] = {}
        hears: dict[str, set[str]] = {}
        for record in current_point_records(self.visit.measurements):  # repeats/undos honoured
            if record.status != "ok":
                continue
            details = record.details
            room = str(details.get("room") or "")
            serving = _serving(details, ssids)
            if not room or serving is None:
                continue
            self.cite("wifi.rssi_dbm", record)
            key = _radio_key(str(serving.get("bssid", "")))
            entry = per_room.setdefault(room, {"signal": [], "noise": [], "servings": []})
            entry["signal"].append(float(serving["signal_dbm"]))
            noise = _number(serving.get("noise_dbm"))
            if noise is not None:
                entry["noise"].append(noise)
            entry["servings"].append(serving)
            radio = radios.setdefault(
                key, {"bss": serving, "util": [], "rooms": set(), "bssids": set()}
            )
            radio["rooms"].add(room)
            radio["bssids"] |= _same_radio_bssids(details, serving, key)
            util = _number(serving.get("channel_utilization_ratio"))
            if util is not None:
                radio["util"].append(util)
            for bss in details.get("bss") or ():
                if not isinstance(bss, Mapping) or (ssids and bss.get("ssid") not in ssids):
                    continue
                signal = _number(bss.get("signal_dbm"))
                other = _radio_key(str(bss.get("bssid", "")))
                if signal is not None and signal >= HEARING_DBM and other != key:
                    hears.setdefault(key, set()).add(other)
        names: dict[str, str] = {}
        for key, radio in radios.items():
            device = self._ap_device(radio["rooms"])
            name = str(device["id"]) if device else key
            names[key] = name if name not in names.values() else key
        aps = [
            self._access_point(
                names[key], radio, {names[h] for h in hears.get(key, set()) & radios.keys()}
            )
            for key, radio in radios.items()
        ]
        return per_room, aps, names

    def _ap_device(self, rooms: set[str]) -> Mapping[str, Any] | None:
        for device in self.devices():
            if device.get("role") == "ap" and device.get("room") in rooms:
                return device
        return None

    def _access_point(self, name: str, radio: Mapping[str, Any], hears: set[str]) -> AccessPoint:
        bss = radio["bss"]
        device = self._ap_device(radio["rooms"])
        switch = str(device["uplink_to"]) if device and device.get("uplink_to") else None
        port_speed, port_class = self._switch_port(switch, device)
        util = radio["util"]
        if not util:
            self.note("wifi_no_utilisation", item=name)
        self.note("wifi_streams_assumed", item=name)  # a scan does not show spatial streams
        return AccessPoint(
            id=name,
            switch=switch,
            standard=_standard(bss),
            streams=ASSUMED_AP_STREAMS,
            width_mhz=_width(bss),
            channel=int(bss["channel"]),
            foreign_utilization_ratio=statistics.fmean(util) if util else None,
            bssids=max(1, len(radio["bssids"])),
            port_speed_mbps=port_speed,
            poe_class_required=_int(device.get("poe_class_required")) if device else None,
            poe_class_port=port_class,
            hears=tuple(sorted(hears)),
        )

    # -- switches ------------------------------------------------------------------
    def _snmp_device(self, device_id: str) -> Mapping[str, Any] | None:
        """The device as SNMP and SSH saw it together (``netsurvey.devices``)."""
        if self._merged is None:
            self._merged = merged_devices(self.visit)
        merged = self._merged.get(device_id)
        if merged is None:
            return None
        for record in self.visit.measurements:
            if record.id in merged.measurement_ids:
                self.cite(f"lan.{device_id}", record)
        return merged.device.to_json()

    def _switch_port(
        self, switch: str | None, ap: Mapping[str, Any] | None
    ) -> tuple[float | None, int | None]:
        if switch is None or ap is None:
            return None, None
        snmp = self._snmp_device(switch)
        port_name = ap.get("uplink_port")
        if snmp is None or not port_name:
            return None, None
        interface = find_interface(snmp, str(port_name))
        bps = _number(interface.get("speed_bps")) if interface is not None else None
        power_class = None
        for port in (snmp.get("poe") or {}).get("ports") or ():
            if isinstance(port, Mapping) and port_matches(port, str(port_name)):
                power_class = _int(port.get("class"))
        return (bps / MBPS if bps else None), power_class

    def switches(self, aps: list[AccessPoint]) -> list[Switch]:
        found: list[Switch] = []
        for device in self.devices():
            if device.get("role") != "switch":
                continue
            device_id = str(device["id"])
            snmp = self._snmp_device(device_id)
            if snmp is None:
                self.note("lan_switch_unread", item=device_id)
            uplink_speed, uplink_busy = self._uplink(device, snmp)
            budget, allocated = self._poe(snmp)
            ap_alloc = sum(
                self.poe_class_w[ap.poe_class_port]
                for ap in aps
                if ap.switch == device_id and ap.poe_class_port is not None
            )
            found.append(
                Switch(
                    id=device_id,
                    uplink_mbps=uplink_speed,
                    uplink_busy_mbps=uplink_busy,
                    poe_budget_w=budget,
                    poe_other_w=max(0.0, allocated - ap_alloc) if allocated is not None else 0.0,
                )
            )
        return found

    def _uplink(
        self, device: Mapping[str, Any], snmp: Mapping[str, Any] | None
    ) -> tuple[float | None, float | None]:
        if snmp is None:
            return None, None
        port_name = device.get("uplink_port")
        interface = find_interface(snmp, str(port_name)) if port_name else None
        if interface is None:
            interface = self._guess_uplink(device, snmp)
        if interface is None:
            self.note("lan_uplink_unknown", item=device.get("id"))
            return None, None
        speed = _number(interface.get("speed_bps"))
        rates = [
            r
            for r in (_number(interface.get("in_bps")), _number(interface.get("out_bps")))
            if r is not None
        ]
        if not rates:
            self.note("lan_no_counters", item=device.get("id"))
        return (speed / MBPS if speed else None), (max(rates) / MBPS if rates else None)

    def _guess_uplink(
        self, device: Mapping[str, Any], snmp: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        """No uplink_port: an LLDP neighbour that is a router/switch, else the fastest up port."""
        ap_ports = {
            str(d.get("uplink_port"))
            for d in self.devices()
            if d.get("uplink_to") == device.get("id") and d.get("uplink_port")
        }
        for neighbour in snmp.get("lldp") or ():
            if not isinstance(neighbour, Mapping):
                continue
            capabilities = set(neighbour.get("remote_capabilities") or ())
            if "wlanAccessPoint" in capabilities or not capabilities & {"router", "bridge"}:
                continue
            interface = find_interface(snmp, str(neighbour.get("local_port", "")))
            if interface is not None:
                self.note("lan_uplink_lldp", item=device.get("id"))
                return interface
        candidates = [
            i
            for i in snmp.get("interfaces") or ()
            if isinstance(i, Mapping)
            and i.get("oper_up") is not False
            and _number(i.get("speed_bps"))
            and i.get("type") in (None, "ethernetCsmacd")
            and not any(port_matches(i, port) for port in ap_ports)
        ]
        if not candidates:
            return None
        best = max(
            candidates, key=lambda i: (float(i["speed_bps"]), _number(i.get("in_bps")) or 0.0)
        )
        self.note("lan_uplink_guessed", item=device.get("id"), port=best.get("name"))
        return best

    def _poe(self, snmp: Mapping[str, Any] | None) -> tuple[float | None, float | None]:
        if snmp is None:
            return None, None
        poe = snmp.get("poe") or {}
        budgets = [
            _number(g.get("budget_w")) for g in poe.get("groups") or () if isinstance(g, Mapping)
        ]
        known = [b for b in budgets if b is not None]
        allocated = 0.0
        for port in poe.get("ports") or ():
            if isinstance(port, Mapping) and port.get("status") == "delivering":
                power_class = _int(port.get("class"))
                allocated += (
                    self.poe_class_w[power_class]
                    if power_class is not None
                    else (_number(port.get("power_w")) or 0.0)
                )
        return (sum(known) if known else None), (allocated if known else None)

    # -- WAN -------------------------------------------------------------------------
    def wan(self) -> Wan | None:
        down: list[float] = []
        up: list[float] = []
        for record in self.visit.by_probe("speedtest"):
            if record.status != "ok":
                continue
            value = _number(record.metrics.get("download_bps"))
            if value is None or value <= 0:
                continue
            self.cite("wan.download_bps", record)
            down.append(value / MBPS)
            upload = _number(record.metrics.get("upload_bps"))
            if upload is not None and upload > 0:
                up.append(upload / MBPS)
        if not down:
            return None
        return Wan(down_mbps=tuple(down), up_mbps=tuple(up))

    # -- power ----------------------------------------------------------------------
    def _measured_circuits(self) -> dict[str, float]:
        """Measured circuit currents from the latest charging-cart assessment (PDU, UPS or
        clamp readings it used in place of its estimate)."""
        record = self.visit.latest_ok("power_assessment")
        if record is None:
            return {}
        found: dict[str, float] = {}
        for circuit in record.details.get("circuits") or ():
            if isinstance(circuit, Mapping) and circuit.get("circuit_id") is not None:
                value = _number(circuit.get("measured_a"))
                if value is not None:
                    found[str(circuit["circuit_id"])] = value
        if found:
            self.cite("power.measured", record)
        return found

    def carts_and_circuits(self) -> tuple[list[Cart], list[Circuit]]:
        carts = []
        for cart in self.school.get("carts") or ():
            if not isinstance(cart, Mapping):
                continue
            slots = int(cart.get("slots") or 0)
            at_once = _int(cart.get("slots_at_once"))
            sequenced = cart.get("sequencing") == "sequenced" and at_once
            carts.append(
                Cart(
                    id=str(cart["id"]),
                    slots=slots,
                    charger_w=_number(cart.get("charger_w")),
                    slots_at_once=min(at_once, slots) if sequenced and at_once else slots,
                    circuit=str(cart["circuit"]) if cart.get("circuit") else None,
                    battery_wh=_number(cart.get("battery_wh")),
                )
            )
        measured = self._measured_circuits()
        circuits = [
            Circuit(
                id=str(c["id"]),
                breaker_a=float(c["breaker_a"]),
                other_loads_w=_number(c.get("other_loads_w")) or 0.0,
                rcd_ma=_number(c.get("rcd_ma")),
                measured_a=measured.get(str(c["id"])),
            )
            for c in self.school.get("circuits") or ()
            if isinstance(c, Mapping) and _number(c.get("breaker_a"))
        ]
        return carts, circuits

    # -- coverage ------------------------------------------------------------------
    def _switch_chains(self, classrooms: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(every switch between a classroom AP and the core, the switches APs plug into).
        An inventory that does not say what feeds its APs counts every switch."""
        switches = {
            str(d["id"]): d for d in self.devices() if d.get("role") == "switch" and d.get("id")
        }
        access: list[str] = []
        feeding: list[str] = []
        for device in self.devices():
            if device.get("role") != "ap" or str(device.get("room")) not in classrooms:
                continue
            upstream = device.get("uplink_to")
            if upstream in switches and str(upstream) not in access:
                access.append(str(upstream))
            while upstream in switches and str(upstream) not in feeding:
                feeding.append(str(upstream))
                upstream = switches[str(upstream)].get("uplink_to")
        if not feeding:
            feeding = access = list(switches)
        return tuple(feeding), tuple(access)

    def coverage(self, per_room: Mapping[str, Any]) -> CoverageFacts:
        classrooms = [
            str(r.get("id")) for r in self.rooms_info() if r.get("kind", "classroom") == "classroom"
        ]
        skipped: dict[str, str] = {}
        for record in self.visit.by_probe("wifi_point"):
            room = str(record.details.get("room") or "")
            reason = record.details.get("skipped")
            if record.status == "skipped" and room and isinstance(reason, str) and reason.strip():
                skipped[room] = reason.strip()
        runs = [
            dt.datetime.fromisoformat(r.started_at)
            for r in self.visit.by_probe("speedtest")
            if r.status == "ok" and (_number(r.metrics.get("download_bps")) or 0) > 0
        ]
        span = (max(runs) - min(runs)).total_seconds() if len(runs) > 1 else None
        feeding, access = self._switch_chains(set(classrooms))
        if self._merged is None:
            self._merged = merged_devices(self.visit)
        circuits = {
            str(c.get("id")) for c in self.school.get("circuits") or () if isinstance(c, Mapping)
        }
        carts = [c for c in self.school.get("carts") or () if isinstance(c, Mapping)]
        return CoverageFacts(
            classrooms=tuple(classrooms),
            surveyed=tuple(room for room in classrooms if room in per_room),
            skipped=tuple((room, why) for room, why in skipped.items() if room not in per_room),
            speedtests=len(runs),
            speedtest_span_s=span,
            feeding_switches=feeding,
            access_switches=access,
            switches_read=tuple(sorted(self._merged)),
            carts=tuple(str(c.get("id")) for c in carts),
            carts_on_known_circuits=tuple(
                str(c.get("id")) for c in carts if str(c.get("circuit")) in circuits
            ),
        )

    # -- all -------------------------------------------------------------------------
    def build(self) -> SchoolFeatures:
        per_room, aps, ap_of_radio = self.wifi()
        if not per_room:
            self.note("wifi_no_points")
        rooms = []
        for info in self.rooms_info():
            room_id = str(info.get("id"))
            if info.get("kind", "classroom") != "classroom":
                continue
            pupils = _int(info.get("pupils")) or _int(info.get("capacity"))
            if pupils is None:
                self.note("rooms_no_pupils", item=room_id)
                continue
            survey = per_room.get(room_id)
            ap_id = None
            rssi = sd = noise = None
            if survey is not None:
                chosen = room_serving(survey["servings"], lambda b: _radio_key(bssid_of(b)))
                radio = _radio_key(bssid_of(chosen)) if chosen is not None else ""
                ap_id = ap_of_radio.get(radio, radio)
                rssi = statistics.fmean(survey["signal"])
                sd = statistics.stdev(survey["signal"]) if len(survey["signal"]) > 1 else None
                noise = statistics.fmean(survey["noise"]) if survey["noise"] else None
            elif per_room:
                self.note("wifi_room_unsurveyed", item=room_id)
            rooms.append(
                Room(
                    id=room_id,
                    grade=_int(info.get("grade")),
                    pupils=pupils,
                    ap=ap_id,
                    rssi_dbm=rssi,
                    rssi_sd_db=sd,
                    noise_dbm=noise,
                )
            )
        wan = self.wan()
        if wan is None:
            self.note("wan_no_speedtest")
        carts, circuits = self.carts_and_circuits()
        wifi = self.school.get("wifi") or {}
        return SchoolFeatures(
            id=str(self.school.get("id") or self.visit.info.school_id),
            name=str(self.school.get("name") or self.visit.info.school_id),
            municipality=self.school.get("municipality"),
            students=self.pupils(),
            staff=_int(self.school.get("staff")) or 0,
            client_standard=str(wifi.get("client_standard") or "VHT"),
            client_streams=_int(wifi.get("client_nss")) or 2,
            device_ratio=1.0,
            rooms=tuple(rooms),
            aps=tuple(aps),
            switches=tuple(self.switches(aps)),
            wan=wan,
            carts=tuple(carts),
            circuits=tuple(circuits),
            visit=str(self.visit.directory),
            missing=tuple(self.missing),
            evidence=tuple((k, tuple(v)) for k, v in self.evidence.items()),
            coverage=self.coverage(per_room),
        )


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def features_of_visit(visit: Visit, profile: Profile | None = None) -> SchoolFeatures:
    """Build the scorer's features from a visit already read (and checked); PoE class
    allocations come from ``profile`` (default: the default profile)."""
    chosen = profile if profile is not None else load_profile()
    return _Builder(visit, chosen.poe.class_w).build()


def features_from_visit(directory: Path, profile: Profile | None = None) -> SchoolFeatures:
    """Build the scorer's features from one visit directory (no integrity check: the
    commands check first, through ``netsurvey.integrity.open_visit``)."""
    if not (directory / "visit.json").is_file():
        raise RecordsError(
            f"{directory}: not a visit directory (no visit.json)",
            hint="give the folder `netsurvey survey` wrote",
        )
    return features_of_visit(read_visit(directory), profile)
