"""Run by bench/originality.py in a fresh process: a full rescan of one office, as the worker
runs it, printing its time and memory as JSON on the last line.

Memory is sampled twice a second as the proportional set size (PSS) of this process and its
forked checkers together: pages the checkers share with it (the corpus) count once, which is
what the machine actually spends. Each process's own peak RSS counts shared pages in every
process that touches them, and a process started from a large one inherits that one's peak in
`ru_maxrss`, so neither says how much memory the rescan needs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from pathlib import Path


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:  # gone meanwhile
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in task.read_text().split()]
    return found


class _Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.peak_processes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.5):
            processes = [me, *_children(me)]
            total = sum(_pss_kib(pid) for pid in processes)
            if total > self.peak_kib:
                self.peak_kib, self.peak_processes = total, len(processes)


def main(office_id: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huodong.config.settings")
    import django

    django.setup()
    from huodong.orgs.models import Office
    from huodong.originality.services import rescan_create, rescan_processes, rescan_run

    sampler = _Sampler()
    sampler.start()
    office = Office.objects.get(pk=office_id)
    start = time.perf_counter()
    rescan = rescan_create(office=office)
    processes = rescan_processes()
    finished = rescan_run(rescan_id=rescan.pk)
    seconds = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    assert finished is not None and finished.status == "done", finished
    print(
        json.dumps(
            {
                "total": finished.done,
                "flagged": finished.flagged,
                "processes": processes,
                "seconds": seconds,
                "peak_pss_mib": sampler.peak_kib / 1024,
                "sampled_processes": sampler.peak_processes,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
