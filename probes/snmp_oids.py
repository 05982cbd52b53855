"""Standard-MIB OIDs the snmp probe reads (SNMPv2-MIB, IF-MIB, LLDP-MIB, CDP, ENTITY)."""

from __future__ import annotations

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYSTEM_OIDS = (SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME)

IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1"
LLDP_REM_ENTRY = "1.0.8802.1.1.2.1.4.1.1"
LLDP_LOC_PORT_ENTRY = "1.0.8802.1.1.2.1.3.7.1"
LLDP_MAN_ADDR_IF_SUBTYPE = "1.0.8802.1.1.2.1.4.2.1.3"
CDP_CACHE_ENTRY = "1.3.6.1.4.1.9.9.23.1.2.1.1"
ENT_PHYSICAL_ENTRY = "1.3.6.1.2.1.47.1.1.1.1"
ENT_ALIAS_MAPPING_IDENTIFIER = "1.3.6.1.2.1.47.1.3.2.1.2"  # index entPhysicalIndex.0

IF_DESCR, IF_TYPE, IF_SPEED, IF_MAC, IF_ADMIN, IF_OPER = 2, 3, 5, 6, 7, 8
IF_IN_OCTETS, IF_IN_DISCARDS, IF_IN_ERRORS = 10, 13, 14
IF_OUT_OCTETS, IF_OUT_DISCARDS, IF_OUT_ERRORS = 16, 19, 20
IFX_NAME, IFX_HC_IN, IFX_HC_OUT, IFX_HIGH_SPEED, IFX_ALIAS = 1, 6, 10, 15, 18

# Counter columns that the second sample re-reads.
COUNTER_ROOTS = (
    f"{IF_ENTRY}.{IF_IN_OCTETS}",
    f"{IF_ENTRY}.{IF_OUT_OCTETS}",
    f"{IFX_ENTRY}.{IFX_HC_IN}",
    f"{IFX_ENTRY}.{IFX_HC_OUT}",
)
STANDARD_ROOTS = (
    *(f"{IF_ENTRY}.{c}" for c in (2, 3, 5, 6, 7, 8, 10, 13, 14, 16, 19, 20)),
    *(f"{IFX_ENTRY}.{c}" for c in (1, 6, 10, 15, 18)),
    *(f"{LLDP_REM_ENTRY}.{c}" for c in (4, 5, 6, 7, 8, 9, 11, 12)),
    *(f"{LLDP_LOC_PORT_ENTRY}.{c}" for c in (2, 3, 4)),
    LLDP_MAN_ADDR_IF_SUBTYPE,
    *(f"{CDP_CACHE_ENTRY}.{c}" for c in (4, 6, 7, 8, 9)),
    *(f"{ENT_PHYSICAL_ENTRY}.{c}" for c in (5, 10, 11, 13)),
    ENT_ALIAS_MAPPING_IDENTIFIER,
)
