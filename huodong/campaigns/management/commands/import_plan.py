import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from huodong.campaigns.plan_import import PlanImportError, parse_plan
from huodong.campaigns.services import campaign_create_from_plan
from huodong.orgs.models import Office
from huodong.orgs.services import office_create


class Command(BaseCommand):
    help = "Import a campaign plan (.docx or .txt). With --dry-run nothing is saved."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Parse only; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the parsed plan as JSON.")
        parser.add_argument(
            "--office",
            help="The office that runs the campaign (default: the plan's issuer; created if new).",
        )

    def handle(self, *args, path: Path, dry_run: bool, json: bool, office: str | None, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            # Saving needs a complete plan; a dry run reports problems instead of refusing.
            plan = parse_plan(
                data, path.name, max_bytes=settings.HUODONG_MAX_IMPORT_BYTES, strict=not dry_run
            )
        except PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(_dumps(plan.to_dict()))
        else:
            self._summarise(plan)
        if dry_run:
            return
        office_name = office or plan.issuer
        if not office_name:
            raise CommandError("The plan names no issuer: pass --office NAME.")
        office_obj = Office.objects.filter(name=office_name).first() or office_create(
            actor=None, name=office_name
        )
        campaign = campaign_create_from_plan(
            actor=None, office=office_obj, plan=plan, source_name=path.name
        )
        self.stderr.write(f"Created campaign {campaign.pk}: {campaign.title} ({office_obj.name})")

    def _summarise(self, plan) -> None:
        write = self.stdout.write
        write(f"{plan.title} {plan.doc_number} {plan.issuer} {plan.issued or ''}")
        write(
            f"  themes {len(plan.themes)}, phases {len(plan.phases)}, tasks {len(plan.tasks)}, "
            f"requirements {len(plan.quotas)}"
        )
        for warning in plan.warnings:
            write(f"  warning: {warning}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
