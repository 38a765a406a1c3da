"""Background tasks (django-tasks) of the originality check. They take ids; running one twice,
or again after a crash, stores the same report (checks) or does nothing (a finished rescan)."""

from __future__ import annotations

from django_tasks import task

from huodong.originality.services import document_check, rescan_run


@task()
def check_document(document_id: int) -> float | None:
    """Check one document; returns its ratio, or None if it is gone."""
    report = document_check(document_id=document_id)
    return None if report is None else report.ratio


@task()
def run_rescan(rescan_id: int) -> int:
    """Run a queued rescan; returns how many documents it checked."""
    rescan = rescan_run(rescan_id=rescan_id)
    return 0 if rescan is None else rescan.done
