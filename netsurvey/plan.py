"""A school's inventory -> the list of probe jobs a survey runs.

Job ids are stable (``probe:device[:variant]``) so that ``--resume`` can tell which
jobs already have an ok record. Every job carries the school's scope guard.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from netsurvey.errors import UsageError
from netsurvey.inventory import DeviceSpec, School
from netsurvey.runner import Job
from probes.base import Scope, Target
from probes.registry import probe_names


def plan_school(school: School, only: Iterable[str] | None = None) -> list[Job]:
    scope = school.scope_guard()
    jobs: list[Job] = []
    jobs += _reachability(school, scope)
    jobs += _device_collectors(school, scope)
    jobs += _bandwidth(school, scope)
    jobs += _health(school, scope)
    if only is None:
        return jobs
    wanted = _check_only(only)
    return [job for job in jobs if job.probe in wanted]


def _check_only(only: Iterable[str]) -> set[str]:
    wanted = {name.strip() for name in only if name.strip()}
    known = set(probe_names())
    unknown = sorted(wanted - known)
    if unknown:
        raise UsageError(
            f"--only: unknown probe(s) {', '.join(unknown)}",
            hint=f"known probes: {', '.join(sorted(known))}",
        )
    return wanted


def _reachability(school: School, scope: Scope) -> list[Job]:
    count = str(school.survey.reachability_count)
    jobs = [
        Job(
            job_id=f"reachability:{device.id}",
            probe="reachability",
            target=Target(device.mgmt_ip, None, device.id, device.platform, scope),
            params={"count": count, **_reachability_ports(device)},
            description=f"is {device.id} ({device.role}) answering?",
        )
        for device in school.devices
    ]
    servers = school.test_servers
    if servers.iperf3:
        jobs.append(
            Job(
                job_id="reachability:iperf3-server",
                probe="reachability",
                target=Target(servers.iperf3, servers.iperf3_port, "iperf3-server", None, scope),
                params={"count": count},
                description="is the iperf3 reference server answering?",
            )
        )
    if servers.speedtest_url:
        parts = urlsplit(servers.speedtest_url)
        if parts.hostname:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            jobs.append(
                Job(
                    job_id="reachability:speedtest-server",
                    probe="reachability",
                    target=Target(parts.hostname, port, "speedtest-server", None, scope),
                    params={"count": count},
                    description="is the speedtest server answering?",
                )
            )
    return jobs


def _reachability_ports(device: DeviceSpec) -> dict[str, str]:
    ports = []
    if device.ssh:
        ports.append(device.ssh.port)
    ports += [443, 80, 22, 23]
    return {"ports": ",".join(str(p) for p in dict.fromkeys(ports))}


def _device_collectors(school: School, scope: Scope) -> list[Job]:
    jobs: list[Job] = []
    for device in school.devices:
        if device.snmp is not None:
            params = device.snmp.params()
            params["interval_s"] = f"{school.survey.snmp_interval_s:g}"
            jobs.append(
                Job(
                    job_id=f"snmp:{device.id}",
                    probe="snmp",
                    target=Target(
                        device.mgmt_ip, device.snmp.port, device.id, device.platform, scope
                    ),
                    params=params,
                    timeout_s=max(60.0, 4 * school.survey.snmp_interval_s + 30),
                    description=f"capacity of {device.id} over SNMP",
                )
            )
        if device.ssh is not None and device.platform:
            params = device.ssh.params()
            params["platform"] = device.platform
            jobs.append(
                Job(
                    job_id=f"ssh:{device.id}",
                    probe="ssh",
                    target=Target(
                        device.mgmt_ip, device.ssh.port, device.id, device.platform, scope
                    ),
                    params=params,
                    description=f"capacity of {device.id} over SSH ({device.platform})",
                )
            )
    return jobs


def _bandwidth(school: School, scope: Scope) -> list[Job]:
    jobs: list[Job] = []
    servers = school.test_servers
    survey = school.survey
    if servers.iperf3:
        for direction in ("download", "upload"):
            jobs.append(
                Job(
                    job_id=f"iperf3:{direction}",
                    probe="iperf3",
                    target=Target(
                        servers.iperf3, servers.iperf3_port, "iperf3-server", None, scope
                    ),
                    params={
                        "direction": direction,
                        "seconds": f"{survey.iperf3_seconds:g}",
                        "streams": str(survey.iperf3_streams),
                        "samples": str(survey.iperf3_samples),
                    },
                    timeout_s=survey.iperf3_samples * (survey.iperf3_seconds + 10) + 30,
                    description=f"LAN throughput, {direction}",
                )
            )
    if servers.speedtest_url:
        jobs = _spread(_speedtest_rounds(school, scope), jobs)
    if servers.latency_hosts:
        jobs.append(
            Job(
                job_id="latency:hosts",
                probe="latency",
                target=Target(None, None, None, None, scope),
                params={"hosts": ",".join(servers.latency_hosts)},
                description="latency, jitter and loss to the listed hosts",
            )
        )
    if servers.resolvers:
        names = servers.dns_names or ("www.google.com", "classroom.google.com")
        jobs.append(
            Job(
                job_id="dns:resolvers",
                probe="dns",
                target=Target(None, None, None, None, scope),
                params={"resolvers": ",".join(servers.resolvers), "names": ",".join(names)},
                description="DNS resolution time per resolver",
            )
        )
    return jobs


def _speedtest_rounds(school: School, scope: Scope) -> list[Job]:
    """One job per speedtest run: round 1 keeps the id ``speedtest:wan``."""
    survey = school.survey
    return [
        Job(
            job_id="speedtest:wan" if number == 1 else f"speedtest:wan-{number}",
            probe="speedtest",
            target=Target(None, None, "speedtest-server", None, scope),
            params={
                "server_url": str(school.test_servers.speedtest_url),
                "samples": str(survey.speedtest_samples),
            },
            timeout_s=survey.speedtest_samples * 60 + 30,
            description=f"WAN download/upload/latency, run {number} of {survey.speedtest_rounds}",
        )
        for number in range(1, survey.speedtest_rounds + 1)
    ]


def _spread(rounds: list[Job], others: list[Job]) -> list[Job]:
    """Speedtest runs first, between and after the other link-loading jobs, so the WAN is
    measured at different times of the survey rather than in one burst."""
    if len(rounds) == 1:
        return [*rounds, *others]
    gaps = len(rounds) - 1
    spread: list[Job] = []
    for number, job in enumerate(rounds):
        spread.append(job)
        start, end = (len(others) * number) // gaps, (len(others) * (number + 1)) // gaps
        spread.extend(others[start:end] if number < gaps else ())
    return spread


def _health(school: School, scope: Scope) -> list[Job]:
    interface = school.survey.interface
    if not interface:
        return []  # local broadcast checks run only on an interface the inventory names
    params = {"interface": interface}
    return [
        Job(
            f"dhcp:{interface}",
            "dhcp",
            Target(None, None, None, None, scope),
            params,
            description="DHCP offer time and options",
        ),
        Job(
            f"gateway:{interface}",
            "gateway",
            Target(None, None, None, None, scope),
            params,
            description="default gateway reachability",
        ),
        Job(
            f"lldp_listen:{interface}",
            "lldp_listen",
            Target(None, None, None, None, scope),
            {**params, "seconds": f"{school.survey.lldp_wait_s:g}"},
            timeout_s=school.survey.lldp_wait_s + 30,
            description="which switch port the laptop is on",
        ),
    ]
