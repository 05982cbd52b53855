"""Field probes for netsurvey. Each module holds one probe family; see ``probes.base``."""
