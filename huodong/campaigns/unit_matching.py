"""Turn unit names as a plan writes them into the office's units.

Plans name units loosely: 各窗口临时党支部 stands for every temporary branch, 政管办党支部 for one
unit. A name that matches no unit becomes a new unit of the kind its ending suggests.
"""

from __future__ import annotations

import unicodedata

from huodong.orgs.models import UnitKind

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
