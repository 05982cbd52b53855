"""CLI outputs for the demo lab's SSH-only switches, generated from their description
(ports, speeds, PoE draw) in the format the platform prints, so the real SSH collector
parses them with ntc-templates exactly as it parses a live switch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsurvey.errors import LabError


def cisco_ios_outputs(name: str, spec: Mapping[str, Any]) -> dict[str, str]:
    ports = int(spec.get("ports", 24))
    speed_bps = float(spec.get("port_speed_bps", 1e9))
    poe = dict(spec.get("poe") or {})
    poe_ports = {int(k): list(v) for k, v in (poe.get("ports") or {}).items()}
    budget_w = float(poe.get("budget_w", 370))
    speed_text = "a-1000" if speed_bps >= 1e9 else "a-100"
    status_lines = ["Port      Name               Status       Vlan       Duplex  Speed Type"]
    for port in range(1, ports + 1):
        connected = port in poe_ports or port == ports
        status = "connected " if connected else "notconnect"
        duplex, speed = ("a-full", speed_text) if connected else ("  auto", "  auto")
        label = "uplink" if port == ports else ("camera" if port in poe_ports else "")
        status_lines.append(
            f"Gi1/0/{port:<4}{label:<19}{status}   {'1':<10} {duplex} {speed:>6} 10/100/1000BaseTX"
        )
    used_w = sum(watts for _, watts in poe_ports.values())
    poe_lines = [
        "",
        "Module   Available     Used     Remaining",
        "          (Watts)     (Watts)    (Watts)",
        "------   ---------   --------   ---------",
        f"1           {budget_w:5.1f}      {used_w:5.1f}       {budget_w - used_w:5.1f}",
        "Interface Admin  Oper       Power   Device              Class Max",
        "                            (Watts)",
        "--------- ------ ---------- ------- ------------------- ----- ----",
    ]
    for port in range(1, ports + 1):
        if port in poe_ports:
            power_class, watts = poe_ports[port]
            poe_lines.append(
                f"Gi1/0/{port:<4}auto   on         {watts:<7.1f} {'IP Camera':<19} {int(power_class):<5} 30.0"
            )
        else:
            poe_lines.append(
                f"Gi1/0/{port:<4}auto   off        0.0     n/a                 n/a   30.0"
            )
    poe_lines += [
        "--------- ------ ---------- ---------- ---------- ------ -----",
        f"Totals:          {len(poe_ports):<4} on    {used_w:.1f}",
    ]
    version = (
        "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc1)\n"
        "Technical Support: http://www.cisco.com/techsupport\n"
        f"{name} uptime is 41 weeks, 2 days, 3 hours, 12 minutes\n"
        'System image file is "flash:c2960x-universalk9-mz.152-7.E8.bin"\n'
        "cisco WS-C2960X-24PS-L (APM86XXX) processor (revision D0) with 524288K bytes of memory.\n"
        "Processor board ID FOC2049X1AB\n"
        "Model number                    : WS-C2960X-24PS-L\n"
        "System serial number            : FOC2049X1AB\n"
        "Configuration register is 0xF\n"
    )
    return {
        "show version": version,
        "show interfaces status": "\n".join(status_lines) + "\n",
        "show power inline": "\n".join(poe_lines) + "\n",
        "show lldp neighbors detail": "\nTotal entries displayed: 0\n",
        "show cdp neighbors detail": "\nTotal cdp entries displayed : 0\n",
    }


GENERATORS = {"cisco_ios": cisco_ios_outputs}


def outputs_for(platform: str, name: str, spec: Mapping[str, Any]) -> dict[str, str]:
    try:
        generator = GENERATORS[platform]
    except KeyError:
        raise LabError(
            f"lab.devices.{name}: no CLI simulation for platform {platform!r}",
            hint=f"simulated platforms: {', '.join(sorted(GENERATORS))}",
        ) from None
    return generator(name, spec)
