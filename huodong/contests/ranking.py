"""The ranking of a contest's judged entries and the awards it gives, as plain computation.

Entries rank by their average score, highest first, and by number among equals; equal averages
share a rank (1, 2, 2, 4). Awards are handed out in rank order, each to as many entries as it
has places. A group of tied entries that an award's boundary would split (two entries tied
for the last place of 一等奖, or for the last award place) gets no award from the computation:
the office decides between them (`award_give`), and the group is shown as tied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    number: int
    average: Decimal
    rank: int
    position: int  # 0-based place in the ranking order


def ranked(rows: Iterable[tuple[int, int, Decimal]]) -> list[Ranked]:
    """(entry id, number, average) -> the ranking, with shared ranks for equal averages."""
    ordered = sorted(rows, key=lambda row: (-row[2], row[1]))
    result: list[Ranked] = []
    rank = 0
    previous: Decimal | None = None
    for position, (entry_id, number, average) in enumerate(ordered):
        if average != previous:
            rank = position + 1
            previous = average
        result.append(Ranked(entry_id, number, average, rank, position))
    return result


@dataclass(frozen=True)
class Allotment:
    awards: dict[int, int]  # entry id -> award id
    tied: frozenset[int]  # entries of a tie the office must decide


def allot(ranking: Sequence[Ranked], awards: Sequence[tuple[int, int]]) -> Allotment:
    """Give awards ((award id, places), highest first) down the ranking."""
    slots = [award_id for award_id, places in awards for _ in range(places)]
    given: dict[int, int] = {}
    tied: set[int] = set()
    for _rank, members in groupby(ranking, key=lambda item: item.rank):
        group = list(members)
        start = group[0].position
        if start >= len(slots):
            break
        wanted = slots[start : start + len(group)]
        if len(wanted) == len(group) and len(set(wanted)) == 1:
            for item in group:
                given[item.entry_id] = wanted[0]
        else:
            tied.update(item.entry_id for item in group)
    return Allotment(awards=given, tied=frozenset(tied))
