from dataclasses import asdict, replace

from django.core.management.base import BaseCommand, CommandError

from huodong.core.scale import (
    DEFAULT_OFFICE,
    DEFAULT_PASSWORD,
    OfficeExists,
    SizeRefused,
    Sizes,
    generate,
)

FLAGS = {
    "units": "units of the office, party branches included",
    "branches": "party branches among the units (at least the plan's 3)",
    "people": "people, the director included",
    "tasks": "tasks added to the seed plan's over the campaign",
    "unit_plan_tasks": "tasks in each lead unit's own implementation plan",
    "studies": "study records",
    "reflections": "reflections (心得体会) of about 3,000 字",
    "surveys": "questionnaires",
    "answers": "questionnaire responses (答卷), all questionnaires together",
    "suggestions": "suggestions",
    "outcomes": "outcomes (a quarter of them with sub-outcomes)",
    "meetings": "meetings (seminars, visits), 30 invitees each",
}


class Command(BaseCommand):
    help = (
        "Build a city-size data set in a new office: the seed plan as its campaign, units, "
        "people, studies, reflections, questionnaires with answers, suggestions, outcomes. "
        "Set HUODONG_TODAY=2018-06-20 for a campaign half-way through."
    )

    def add_arguments(self, parser):
        full = Sizes()
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every size (e.g. 0.01 for a quick run); explicit sizes win.",
        )
        for name, what in FLAGS.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                help=f"How many {what} (default {getattr(full, name):,}).",
            )
        parser.add_argument("--office", default=DEFAULT_OFFICE, help="The new office's name.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete an office of that name first."
        )
        parser.add_argument("--seed", type=int, default=2018, help="The random seed.")
        parser.add_argument("--director", help="The director's login (default scale<id>-director).")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="The password of the logins made."
        )

    def handle(self, *args, **options):
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        sizes = Sizes().scaled(options["scale"])
        explicit = {name: options[name] for name in FLAGS if options[name] is not None}
        if any(value < 0 for value in explicit.values()):
            raise CommandError("Sizes cannot be negative.")
        sizes = replace(sizes, **explicit)
        if sizes.people < 2 or sizes.branches < 1 or sizes.surveys < 1 or sizes.outcomes < 1:
            raise CommandError("At least 2 people, a branch, a questionnaire and an outcome.")
        self.stdout.write(
            "Generating into “{}”: {}".format(
                options["office"], ", ".join(f"{n} {v:,}" for n, v in asdict(sizes).items())
            )
        )

        def progress(stage: str, count: int, seconds: float, total: float) -> None:
            self.stdout.write(
                f"  {stage:<12} {count:>10,}  {seconds:7.1f} s  (total {total:.1f} s)"
            )
            self.stdout.flush()

        try:
            made = generate(
                sizes=sizes,
                office_name=options["office"],
                seed=options["seed"],
                replace_existing=options["replace"],
                director_username=options["director"],
                password=options["password"],
                progress=progress,
            )
        except OfficeExists as exists:
            raise CommandError(
                f"An office named “{exists}” exists already: give another --office, "
                "or --replace to delete it first."
            ) from None
        except SizeRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Office {made.office.pk} “{made.office.name}”, campaign {made.campaign.pk}."
            )
        )
        self.stdout.write(f"Logins (password {options['password']}):")
        for username, what in made.logins.items():
            self.stdout.write(f"  {username}  — {what}")
