"""Check every essay of an office (or of every office) again, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huodong.orgs.models import Office
from huodong.originality.errors import Refused
from huodong.originality.services import rescan_create, rescan_run


class Command(BaseCommand):
    help = (
        "Re-check every reflection and contest entry of an office against the rest of the "
        "office and its reference library, in this process (no worker needed), printing the "
        "progress. Without --office, every office in turn."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", type=int, help="The office's id (default: every office).")

    def handle(self, *args: Any, office: int | None, **options: Any) -> None:
        if office is not None:
            offices = list(Office.objects.filter(pk=office))
            if not offices:
                raise CommandError(f"--office: there is no office with id {office}")
        else:
            offices = list(Office.objects.order_by("pk"))
        for chosen in offices:
            try:
                rescan = rescan_create(office=chosen)
            except Refused as exc:
                raise CommandError(f"{chosen.name}: {exc.message}") from exc
            self.stdout.write(f"{chosen.name}: {rescan.total} to check")

            def progress(done: int, total: int, flagged: int) -> None:
                self.stdout.write(f"{done}/{total} checked, {flagged} flagged")

            finished = rescan_run(rescan_id=rescan.pk, progress=progress)
            if finished is None:  # pragma: no cover - deleted meanwhile
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{chosen.name}: {finished.done} checked, {finished.flagged} flagged "
                    f"({finished.status})"
                )
            )
