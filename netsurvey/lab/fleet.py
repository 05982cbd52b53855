"""Start the lab for several schools (all-or-nothing: a failure tears down what started)."""

from __future__ import annotations

from pathlib import Path

from netsurvey.inventory import load_inventory
from netsurvey.lab.school import LabRun, LabSchool


def lab_schools(
    inventories: list[Path],
    work_dir: Path,
    *,
    community: str,
    password: str,
    namespaces: bool | None,
) -> list[LabSchool]:
    schools = []
    for path in inventories:
        for school in load_inventory(path).schools:
            if school.lab is not None:
                schools.append(
                    LabSchool(
                        school,
                        path,
                        work_dir,
                        community=community,
                        ssh_password=password,
                        namespaces=namespaces,
                    )
                )
    return schools


def start_fleet(
    inventories: list[Path],
    work_dir: Path,
    *,
    community: str,
    password: str,
    namespaces: bool | None,
) -> list[LabRun]:
    started: list[LabSchool] = []
    try:
        for lab in lab_schools(
            inventories, work_dir, community=community, password=password, namespaces=namespaces
        ):
            lab.up()
            started.append(lab)
    except BaseException:
        for lab in reversed(started):
            lab.down()
        raise
    return [lab.run for lab in started]
