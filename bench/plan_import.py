"""Importing the seed plan: parse only, and parse plus creating the campaign."""

from importlib import resources

from bench.figures import below

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
        rows.append(_figure(f"parse {name}", samples, p))
    data = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.docx").read_bytes()

    def import_and_roll_back():
        with transaction.atomic():
            office = Office.objects.create(name="基准测试办公室")
            campaign_create_from_plan(actor=None, office=office, plan=parse_plan(data, "p.docx"))
            transaction.set_rollback(True)

    samples = timed(import_and_roll_back, repeat=10)
    rows.append(_figure("import plan-2018-9.docx into the database", samples, p))
    return rows


def _figure(name, samples, p):
    p50, p95 = p(samples, 0.5), p(samples, 0.95)
    return below(name, round(p95, 1), "ms", TARGET_MS, f"p50 {p50:.0f} ms, p95 {p95:.0f} ms")
