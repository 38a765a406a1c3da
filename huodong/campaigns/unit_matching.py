"""Turn unit names as a plan writes them into the office's units.

Plans name units loosely: 各窗口临时党支部 stands for every temporary branch, 政管办党支部 for one
unit. A name that matches no unit becomes a new unit of the kind its ending suggests.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from huodong.orgs.models import Unit, UnitKind

# Collective names stand for every unit of these kinds.
COLLECTIVE_NAMES: dict[str, tuple[str, ...]] = {
    "各支部": (UnitKind.BRANCH, UnitKind.TEMP_BRANCH),
    "各党支部": (UnitKind.BRANCH, UnitKind.TEMP_BRANCH),
    "各窗口临时党支部": (UnitKind.TEMP_BRANCH,),
    "各临时党支部": (UnitKind.TEMP_BRANCH,),
    "各窗口": (UnitKind.WINDOW,),
    "各处室": (UnitKind.DEPARTMENT,),
    "各处（室）": (UnitKind.DEPARTMENT,),
    "各科室": (UnitKind.DEPARTMENT,),
    "各股室": (UnitKind.DEPARTMENT,),
    "各直属单位": (UnitKind.AFFILIATE,),
}

# Checked in order: the longest, most specific endings first.
KIND_BY_ENDING: tuple[tuple[str, str], ...] = (
    ("临时党支部", UnitKind.TEMP_BRANCH),
    ("党支部", UnitKind.BRANCH),
    ("支部", UnitKind.BRANCH),
    ("窗口", UnitKind.WINDOW),
    ("领导班子", UnitKind.LEADERSHIP),
    ("处", UnitKind.DEPARTMENT),
    ("室", UnitKind.DEPARTMENT),
    ("科", UnitKind.DEPARTMENT),
    ("股", UnitKind.DEPARTMENT),
    ("中心", UnitKind.AFFILIATE),
)


def normalise_unit_name(name: str) -> str:
    """Fold full-width letters and digits and drop all white space."""
    folded = unicodedata.normalize("NFKC", name)
    # NFKC turns full-width brackets into ASCII ones; offices write them full-width.
    folded = folded.replace("(", "（").replace(")", "）")
    return "".join(folded.split())


def guess_unit_kind(name: str) -> str:
    for ending, kind in KIND_BY_ENDING:
        if name.endswith(ending):
            return kind
    return UnitKind.OTHER


def collective_kinds(name: str) -> tuple[str, ...] | None:
    return COLLECTIVE_NAMES.get(normalise_unit_name(name))


@dataclass(frozen=True)
class UnitNameMatch:
    """What a unit name of a plan will become when the plan is applied."""

    name: str
    status: str  # "existing", "collective" or "new"
    unit: Unit | None = None
    members: tuple[Unit, ...] = ()
    kind: str = ""  # the kind a new unit will get

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else ""


def plan_unit_names(plan) -> list[str]:
    """Every unit name a parsed plan uses, once each, in the order it first appears."""
    names: list[str] = []
    for theme in plan.themes:
        names.extend(theme.units)
    for task in plan.tasks:
        names.extend(task.lead_units)
        names.extend(task.co_units)
    if plan.leading_group.office_unit:
        names.append(plan.leading_group.office_unit)
    return list(dict.fromkeys(n for n in (normalise_unit_name(n) for n in names) if n))


class UnitDirectory:
    """An office's units by normalised name: the one rule for what a plan's unit name means.

    An exact name is that unit; a collective name (各科室) stands for every unit of its kinds
    unless a unit is called exactly that; any other name is a unit still to be created.
    """

    def __init__(self, units: Iterable[Unit]) -> None:
        self.by_name: dict[str, Unit] = {normalise_unit_name(u.name): u for u in units}

    def match(self, raw: str) -> UnitNameMatch | None:
        name = normalise_unit_name(raw)
        if not name:
            return None
        if name in self.by_name:
            return UnitNameMatch(name=name, status="existing", unit=self.by_name[name])
        kinds = collective_kinds(name)
        if kinds is not None:
            members = tuple(u for u in self.by_name.values() if u.kind in kinds)
            return UnitNameMatch(name=name, status="collective", members=members)
        return UnitNameMatch(name=name, status="new", kind=guess_unit_kind(name))

    def add(self, unit: Unit) -> None:
        self.by_name[normalise_unit_name(unit.name)] = unit


def match_unit_names(office_id: int, names: list[str]) -> list[UnitNameMatch]:
    """How each name resolves against the office's units, in one query and creating nothing."""
    directory = UnitDirectory(Unit.objects.filter(office_id=office_id))
    return [m for m in (directory.match(name) for name in names) if m is not None]
