from django.core.management.base import BaseCommand

from huodong.core.demo_office import (
    DEMO_PASSWORD,
    DEMO_TODAY,
    build_demo_office,
    demo_exists,
    demo_logins,
)


class Command(BaseCommand):
    help = "Load the seed campaign (imported from the shipped plan) and a demo office, once."

    def handle(self, *args, **options):
        if demo_exists():
            logins = demo_logins()
            self.stdout.write("The demo office is already loaded.")
        else:
            logins = build_demo_office()
            self.stdout.write(self.style.SUCCESS("Loaded the demo office and the 2018 campaign."))
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}); demo date {DEMO_TODAY}"
        )
        width = max(len(login.username) for login in logins) + 2
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}{login.person}  — {login.role}")
