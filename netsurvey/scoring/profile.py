"""Scoring profiles: versioned YAML -> frozen dataclasses (the assumptions of docs/model.md §12 live here).

A profile may say ``extends: <name>``; mappings are merged key by key onto the
parent and lists replace the parent's list.  Errors are ``ProfileError`` with
``FILE:LINE: path: what``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from netsurvey.errors import ProfileError
from netsurvey.fields import Node, load_document, overlay
from netsurvey.scoring.coverage import DEFAULT_RULES, CoverageRule

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE = "lv-2024"
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20240901
DIMENSIONS = ("wifi", "lan", "wan", "poe", "power")
SCENARIO_MODES = ("each_room", "rooms", "carts")

Triangle = tuple[float, float, float]


@dataclass(frozen=True)
class WifiParams:
    impl_gain_db: float
    fade_margin_db: float
    survey_error_db: float
    noise_sd_db: float
    uplink_offset_db: float
    desk_points: int
    rssi_step_db: float
    k_cal: float
    he_extra_snr_db: tuple[float, float]
    contention_busy_us: float
    beacon_airtime_ratio: float
    foreign_relative_sd: float
    foreign_default_ratio: float
    default_noise_dbm: float


@dataclass(frozen=True)
class Application:
    id: str
    title: str
    down_mbps: Triangle
    up_mbps: Triangle
    aggregation: int
    msdu_bytes: int
    tcp: bool
    uplink_share: float
    realtime: bool


@dataclass(frozen=True)
class Background:
    active_share: float
    down_mbps: Triangle
    up_ratio: float
    application: str
    staff_default: int  # staff when the school gives no count (noted as assumed)


@dataclass(frozen=True)
class Utilisation:
    wifi_realtime: float
    wifi_data: float
    lan: float
    wan: float
    poe: float
    circuit: float
    rcd: float


@dataclass(frozen=True)
class ScoreBands:
    full_rho: float
    design_score: float
    quantile: float
    grades: tuple[tuple[str, float], ...]  # (grade, minimum score), best first; below all -> F


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    mode: str
    application: str | None
    must_pass: bool
    dimensions: tuple[str, ...]
    grades: tuple[int, ...] | None
    device_factor: float
    test_start: bool
    title_id: str | None = None  # locale key under scenario_titles (the report's text)


@dataclass(frozen=True)
class PowerParams:
    voltage_v: float
    charger_w: float
    charger_efficiency: float
    power_factor: Triangle
    charging_share: tuple[float, float]
    other_pf: float
    other_loads_w: float  # other loads of a circuit that declares none (noted as assumed)
    leakage_ma_each: float
    battery_wh: float
    battery_charge_w: float
    soc_start: float
    taper_factor: float


@dataclass(frozen=True)
class PoeParams:
    class_w: tuple[float, ...]
    headroom_ap_w: float
    restricted_stream_divisor: int


@dataclass(frozen=True)
class Benchmark:
    id: str
    body: str
    per_user_mbps: float | None
    min_mbps: float | None
    fixed_mbps: float | None
    basis: str  # "users" | "students"
    source: str | None = None  # where the number comes from (shown in the report)
    metric: str = "wan_down"  # "wan_down" | "wan_up" | "wifi_standard"
    min_standard: str | None = None  # for metric wifi_standard: HT, VHT or HE

    def target_bps(self, users: float, students: float) -> float:
        if self.fixed_mbps is not None:
            return self.fixed_mbps * 1e6
        count = users if self.basis == "users" else students
        target = (self.per_user_mbps or 0.0) * count
        return max(target, self.min_mbps or 0.0) * 1e6


@dataclass(frozen=True)
class WanTier:
    id: str
    title: str
    down_mbps: float
    up_mbps: float
    cost_eur: float


@dataclass(frozen=True)
class UpgradePrices:
    wan_tiers: tuple[WanTier, ...]
    add_ap: dict[str, float | str]
    channel_plan: dict[str, float | str]
    poe_switch: dict[str, float | str]
    cart_sequencing: dict[str, float | str]
    new_circuit: dict[str, float | str]
    update_scattering: dict[str, float | str]


@dataclass(frozen=True)
class Profile:
    name: str
    version: str
    title: str
    path: str
    sha256: str
    wifi: WifiParams
    tcp_ack_share: float
    ethernet_tcp_ratio: float
    utilisation: Utilisation
    score: ScoreBands
    applications: dict[str, Application]
    background: Background
    test_burst_mb: Triangle
    test_target_s: float
    video_ladder: tuple[str, ...]
    wan_server_bias: tuple[float, float]
    power: PowerParams
    poe: PoeParams
    scenarios: tuple[Scenario, ...]
    benchmarks: tuple[Benchmark, ...]
    upgrades: UpgradePrices
    coverage: dict[str, CoverageRule]

    def scenario(self, scenario_id: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise KeyError(scenario_id)

    def grade(self, score: float) -> str:
        for grade, minimum in self.score.grades:
            if score >= minimum:
                return grade
        return "F"


def available_profiles() -> list[str]:
    return sorted(path.stem for path in PROFILE_DIR.glob("*.yaml"))


def resolve_profile_path(name_or_file: str) -> Path:
    candidate = Path(name_or_file)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise ProfileError(f"{candidate}: profile file not found")
        return candidate
    builtin = PROFILE_DIR / f"{name_or_file}.yaml"
    if not builtin.is_file():
        raise ProfileError(
            f"unknown scoring profile '{name_or_file}'",
            hint=f"built-in profiles: {', '.join(available_profiles())}, or give a YAML file",
        )
    return builtin


def _load_tree(path: Path, depth: int = 0) -> tuple[Node, bytes]:
    tree, raw = load_document(path, ProfileError)
    parent_name = tree.opt("extends")
    if parent_name is None:
        return tree, raw
    if depth > 4:
        raise parent_name.fail("profiles extend each other too deeply")
    parent_path = resolve_profile_path(parent_name.text())
    parent, parent_raw = _load_tree(parent_path, depth + 1)
    return overlay(parent, tree), parent_raw + raw


def load_profile(name_or_file: str = DEFAULT_PROFILE) -> Profile:
    """Load a built-in profile by name or a profile YAML file."""
    path = resolve_profile_path(name_or_file)
    tree, raw = _load_tree(path)
    return _build(tree, str(path), hashlib.sha256(raw).hexdigest())


def _fraction(node: Node) -> float:
    return node.number(0.0, 1.0)


def _build_wifi(node: Node) -> WifiParams:
    extra = node.get("he_extra_snr_db").numbers(0.0)
    if len(extra) != 2:
        raise node.get("he_extra_snr_db").fail("expected two values: [MCS10, MCS11]")
    return WifiParams(
        impl_gain_db=node.get("impl_gain_db").number(-10, 20),
        fade_margin_db=node.get("fade_margin_db").number(0, 30),
        survey_error_db=node.get("survey_error_db").number(0, 20),
        noise_sd_db=node.get("noise_sd_db").number(0, 10),
        uplink_offset_db=node.get("uplink_offset_db").number(0, 30),
        desk_points=node.get("desk_points").integer(1, 64),
        rssi_step_db=node.get("rssi_step_db").number(0.01, 1.0),
        k_cal=node.get("k_cal").number(0.1, 2.0),
        he_extra_snr_db=(extra[0], extra[1]),
        contention_busy_us=node.get("contention_busy_us").number(10, 10_000),
        beacon_airtime_ratio=_fraction(node.get("beacon_airtime_ratio")),
        foreign_relative_sd=node.get("foreign_relative_sd").number(0, 2),
        foreign_default_ratio=_fraction(node.get("foreign_default_ratio")),
        default_noise_dbm=node.get("default_noise_dbm").number(-130, -40),
    )


def _build_application(app_id: str, node: Node) -> Application:
    return Application(
        id=app_id,
        title=node.get("title").text(),
        down_mbps=node.get("down_mbps").triangle(),
        up_mbps=node.get("up_mbps").triangle(),
        aggregation=node.get("aggregation").integer(1, 256),
        msdu_bytes=node.get("msdu_bytes").integer(64, 9000),
        tcp=node.get("tcp").flag(),
        uplink_share=_fraction(node.get("uplink_share")),
        realtime=node.get("realtime").flag(),
    )


def _build_scenario(node: Node, applications: dict[str, Application]) -> Scenario:
    mode = node.get("mode").text()
    if mode not in SCENARIO_MODES:
        raise node.get("mode").fail(
            f"unknown mode '{mode}'", hint=f"use {', '.join(SCENARIO_MODES)}"
        )
    app_node = node.opt("application")
    application = app_node.text() if app_node is not None else None
    if mode != "carts":
        if app_node is None or application is None:
            raise node.fail("a network scenario needs an 'application'")
        if application not in applications:
            raise app_node.fail(f"unknown application '{application}'")
    dims = tuple(item.text() for item in node.get("dimensions").items())
    for index, dim in enumerate(dims):
        if dim not in DIMENSIONS:
            raise node.get("dimensions").fail(
                f"unknown dimension '{dim}' at position {index}",
                hint=f"use {', '.join(DIMENSIONS)}",
            )
    grades_node = node.opt("grades")
    factor_node = node.opt("device_factor")
    start_node = node.opt("test_start")
    return Scenario(
        id=node.get("id").text(),
        title=node.get("title").text(),
        mode=mode,
        application=application,
        must_pass=node.get("must_pass").flag(),
        dimensions=dims,
        grades=tuple(g.integer(0, 13) for g in grades_node.items()) if grades_node else None,
        device_factor=factor_node.number(0.1, 10) if factor_node else 1.0,
        test_start=start_node.flag() if start_node else False,
        title_id=_optional_text(node, "title_id"),
    )


def _optional_text(node: Node, key: str) -> str | None:
    value = node.opt(key)
    return value.text() if value is not None else None


def _build_benchmark(node: Node) -> Benchmark:
    def optional(key: str) -> float | None:
        value = node.opt(key)
        return value.number(0) if value is not None else None

    basis = node.opt("basis")
    benchmark = Benchmark(
        id=node.get("id").text(),
        body=node.get("body").text(),
        per_user_mbps=optional("per_user_mbps"),
        min_mbps=optional("min_mbps"),
        fixed_mbps=optional("fixed_mbps"),
        basis=basis.text() if basis is not None else "users",
        source=_optional_text(node, "source"),
        metric=_optional_text(node, "metric") or "wan_down",
        min_standard=_optional_text(node, "min_standard"),
    )
    if benchmark.metric not in BENCHMARK_METRICS:
        raise node.get("metric").fail(
            f"unknown metric '{benchmark.metric}'", hint=f"use {', '.join(BENCHMARK_METRICS)}"
        )
    if benchmark.metric == "wifi_standard":
        if benchmark.min_standard not in WIFI_STANDARDS:
            raise node.fail(
                "a wifi_standard benchmark needs 'min_standard'",
                hint=f"use {', '.join(WIFI_STANDARDS)}",
            )
        return benchmark
    if benchmark.fixed_mbps is None and benchmark.per_user_mbps is None:
        raise node.fail("a benchmark needs 'per_user_mbps' or 'fixed_mbps'")
    if benchmark.basis not in ("users", "students"):
        raise node.get("basis").fail("basis must be 'users' or 'students'")
    return benchmark


def _option(node: Node) -> dict[str, float | str]:
    option: dict[str, float | str] = {}
    for key, value in node.mapping().items():
        option[key] = value.text() if isinstance(value.value, str) else value.number()
    if "cost_eur" not in option:
        raise node.fail("missing key 'cost_eur'")
    return option


def _build_upgrades(node: Node) -> UpgradePrices:
    tiers = tuple(
        WanTier(
            id=tier.get("id").text(),
            title=tier.get("title").text(),
            down_mbps=tier.get("down_mbps").number(0.1),
            up_mbps=tier.get("up_mbps").number(0.1),
            cost_eur=tier.get("cost_eur").number(0),
        )
        for tier in node.get("wan_tiers").items()
    )
    return UpgradePrices(
        wan_tiers=tiers,
        add_ap=_option(node.get("add_ap")),
        channel_plan=_option(node.get("channel_plan")),
        poe_switch=_option(node.get("poe_switch")),
        cart_sequencing=_option(node.get("cart_sequencing")),
        new_circuit=_option(node.get("new_circuit")),
        update_scattering=_option(node.get("update_scattering")),
    )


TOP_KEYS = {
    "name",
    "version",
    "extends",
    "title",
    "wifi",
    "mac",
    "ethernet",
    "utilisation",
    "score",
    "applications",
    "background",
    "test_start",
    "video_ladder",
    "wan",
    "power",
    "poe",
    "scenarios",
    "benchmarks",
    "upgrades",
    "coverage",
}
SECTION_KEYS = {
    "wifi": set(WifiParams.__dataclass_fields__),
    "utilisation": set(Utilisation.__dataclass_fields__),
    "score": {"full_rho", "design_score", "quantile", "grades"},
    "power": set(PowerParams.__dataclass_fields__),
    "poe": set(PoeParams.__dataclass_fields__),
    "background": {"active_share", "down_mbps", "up_ratio", "application", "staff_default"},
    "test_start": {"burst_mb", "target_s"},
    "mac": {"tcp_ack_share"},
    "ethernet": {"mtu_bytes", "tcp_ip_header_bytes", "framing_bytes"},
    "wan": {"server_bias"},
}
APPLICATION_KEYS = {
    "title",
    "down_mbps",
    "up_mbps",
    "aggregation",
    "msdu_bytes",
    "tcp",
    "uplink_share",
    "realtime",
}
SCENARIO_KEYS = {
    "id",
    "title",
    "mode",
    "application",
    "must_pass",
    "dimensions",
    "grades",
    "device_factor",
    "test_start",
    "title_id",
}
BENCHMARK_METRICS = ("wan_down", "wan_up", "wifi_standard")
WIFI_STANDARDS = ("HT", "VHT", "HE")


def _check_keys(tree: Node) -> None:
    """Typos in a profile must not pass silently: every key has to be one the model reads."""
    tree.check_keys(TOP_KEYS)
    for section, allowed in SECTION_KEYS.items():
        node = tree.opt(section)
        if node is not None:
            node.check_keys(allowed)
    for node in tree.get("applications").mapping().values():
        node.check_keys(APPLICATION_KEYS)
    for node in tree.get("scenarios").items():
        node.check_keys(SCENARIO_KEYS)


def _build(tree: Node, path: str, sha256: str) -> Profile:
    _check_keys(tree)
    applications = {
        app_id: _build_application(app_id, node)
        for app_id, node in tree.get("applications").mapping().items()
    }
    util = tree.get("utilisation")
    score = tree.get("score")
    grades = tuple(
        (grade, node.number(0, 100)) for grade, node in score.get("grades").mapping().items()
    )
    if [minimum for _, minimum in grades] != sorted((m for _, m in grades), reverse=True):
        raise score.get("grades").fail(
            "grade bands must be listed best first, highest minimum first"
        )
    background = tree.get("background")
    bg_app = background.get("application").text()
    if bg_app not in applications:
        raise background.get("application").fail(f"unknown application '{bg_app}'")
    ladder_node = tree.get("video_ladder")
    ladder = tuple(item.text() for item in ladder_node.items())
    for rung in ladder:
        if rung not in applications:
            raise ladder_node.fail(f"unknown application '{rung}' in the video ladder")
    power = tree.get("power")
    pf = power.get("power_factor").triangle(0.05)
    share = power.get("charging_share").numbers(0.0)
    poe = tree.get("poe")
    ethernet = tree.get("ethernet")
    mtu = ethernet.get("mtu_bytes").number(576, 9216)
    scenarios = tuple(_build_scenario(node, applications) for node in tree.get("scenarios").items())
    if len({s.id for s in scenarios}) != len(scenarios):
        raise tree.get("scenarios").fail("scenario ids must be unique")
    bias = tree.get("wan").get("server_bias").numbers(0.01)
    return Profile(
        name=tree.get("name").text(),
        version=tree.get("version").text(),
        title=tree.get("title").text(),
        path=path,
        sha256=sha256,
        wifi=_build_wifi(tree.get("wifi")),
        tcp_ack_share=_fraction(tree.get("mac").get("tcp_ack_share")),
        ethernet_tcp_ratio=(mtu - ethernet.get("tcp_ip_header_bytes").number(0, 200))
        / (mtu + ethernet.get("framing_bytes").number(0, 200)),
        utilisation=Utilisation(
            wifi_realtime=_fraction(util.get("wifi_realtime")),
            wifi_data=_fraction(util.get("wifi_data")),
            lan=_fraction(util.get("lan")),
            wan=_fraction(util.get("wan")),
            poe=_fraction(util.get("poe")),
            circuit=_fraction(util.get("circuit")),
            rcd=_fraction(util.get("rcd")),
        ),
        score=ScoreBands(
            full_rho=score.get("full_rho").number(0.01, 1.0),
            design_score=score.get("design_score").number(1, 99),
            quantile=_fraction(score.get("quantile")),
            grades=grades,
        ),
        applications=applications,
        background=Background(
            active_share=_fraction(background.get("active_share")),
            down_mbps=background.get("down_mbps").triangle(),
            up_ratio=background.get("up_ratio").number(0, 10),
            application=bg_app,
            staff_default=background.get("staff_default").integer(0, 10_000),
        ),
        test_burst_mb=tree.get("test_start").get("burst_mb").triangle(),
        test_target_s=tree.get("test_start").get("target_s").number(0.1),
        video_ladder=ladder,
        wan_server_bias=(bias[0], bias[-1]),
        power=PowerParams(
            voltage_v=power.get("voltage_v").number(50, 400),
            charger_w=power.get("charger_w").number(1, 500),
            charger_efficiency=power.get("charger_efficiency").number(0.1, 1.0),
            power_factor=pf,
            charging_share=(share[0], share[-1]),
            other_pf=power.get("other_pf").number(0.05, 1.0),
            other_loads_w=power.get("other_loads_w").number(0, 20_000),
            leakage_ma_each=power.get("leakage_ma_each").number(0, 10),
            battery_wh=power.get("battery_wh").number(1),
            battery_charge_w=power.get("battery_charge_w").number(1),
            soc_start=_fraction(power.get("soc_start")),
            taper_factor=power.get("taper_factor").number(0.01, 1.0),
        ),
        poe=PoeParams(
            class_w=poe.get("class_w").numbers(0.0),
            headroom_ap_w=poe.get("headroom_ap_w").number(1),
            restricted_stream_divisor=poe.get("restricted_stream_divisor").integer(1, 8),
        ),
        scenarios=scenarios,
        benchmarks=tuple(_build_benchmark(node) for node in tree.get("benchmarks").items()),
        upgrades=_build_upgrades(tree.get("upgrades")),
        coverage=_build_coverage(tree.opt("coverage")),
    )


def _build_coverage(node: Node | None) -> dict[str, CoverageRule]:
    """The least evidence for a grade per dimension; dimensions not listed keep the
    defaults (everything covered, three speedtests)."""
    rules = dict(DEFAULT_RULES)
    if node is None:
        return rules
    for name, entry in node.mapping().items():
        if name not in DIMENSIONS:
            raise entry.fail(f"unknown dimension '{name}'", hint=f"use {', '.join(DIMENSIONS)}")
        entry.check_keys({"min_ratio", "min_count", "optional"})
        ratio = entry.opt("min_ratio")
        count = entry.opt("min_count")
        optional = entry.opt("optional")
        if (ratio is None) == (count is None):
            raise entry.fail("give exactly one of min_ratio and min_count")
        rules[name] = CoverageRule(
            min_ratio=ratio.number(0.0, 1.0) if ratio is not None else None,
            min_count=count.integer(0, 1000) if count is not None else None,
            optional=optional.flag() if optional is not None else False,
        )
    return rules
