"""Importing the seed plan: parse only, and parse plus creating the campaign."""

from importlib import resources

TARGET_MS = 1000


def run(*, timed, p):
    from django.db import transaction

    from huodong.campaigns.plan_import import parse_plan
    from huodong.campaigns.services import campaign_create_from_plan
    from huodong.orgs.models import Office

    rows = []
    for name in ("plan-2018-9.docx", "plan-2018-9.txt"):
        data = resources.files("huodong.campaigns").joinpath("seeds", name).read_bytes()
        samples = timed(lambda data=data, name=name: parse_plan(data, name), repeat=20)
        rows.append(
            (
                f"parse {name}",
                f"p50 {p(samples, 0.5):.0f} ms, p95 {p(samples, 0.95):.0f} ms",
                f"< {TARGET_MS} ms",
            )
        )
    data = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.docx").read_bytes()

    def import_and_roll_back():
        with transaction.atomic():
            office = Office.objects.create(name="基准测试办公室")
            campaign_create_from_plan(actor=None, office=office, plan=parse_plan(data, "p.docx"))
            transaction.set_rollback(True)

    samples = timed(import_and_roll_back, repeat=10)
    rows.append(
        (
            "import plan-2018-9.docx into the database",
            f"p50 {p(samples, 0.5):.0f} ms, p95 {p(samples, 0.95):.0f} ms",
            f"< {TARGET_MS} ms",
        )
    )
    return rows
