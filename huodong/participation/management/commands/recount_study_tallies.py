from django.core.management.base import BaseCommand, CommandError

from huodong.campaigns.models import Campaign
from huodong.participation.services.study_tallies import study_tallies_rebuild


class Command(BaseCommand):
    help = (
        "Recount the per-person study tallies from the study records: after loading records "
        "in bulk, or to repair them. Without --campaign, every campaign."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, action="append", help="A campaign id.")

    def handle(self, *args, campaign: list[int] | None, **options):
        ids = campaign or list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
        missing = set(ids) - set(Campaign.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No campaign {', '.join(map(str, sorted(missing)))}.")
        for campaign_id in ids:
            people = study_tallies_rebuild(campaign_id=campaign_id)
            self.stdout.write(f"campaign {campaign_id}: {people} people counted")
