"""Reminders through the scheduler command with a moving clock: who gets what, once."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from huodong.campaigns.models import Task
from huodong.core.models import AuditRecord
from huodong.notifications import tasks as reminder_tasks
from huodong.notifications.models import Notification, NotificationKind
from huodong.notifications.tasks import send_campaign_reminders
from huodong.notifications.tests.conftest import last_id, received

pytestmark = pytest.mark.usefixtures("immediate_tasks")

LEAD_PEOPLE = {"head", "contact"}


def days(first: str, last: str) -> list[str]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def schedule(world, run_day, first: str, last: str) -> dict[str, set[tuple[str, str | None]]]:
    """What each day of the range newly delivered, as (username, key) pairs."""
    delivered = {}
    for day in days(first, last):
        before = last_id()
        run_day(day)
        new = received(before)
        if new:
            delivered[day] = new
    return delivered


def key(task, what: str) -> str:
    return f"reminder:task:{task.pk}:{what}"


def test_each_reminder_reaches_the_lead_units_head_and_contacts_once(world, run_day):
    t1, t2 = world.tasks[1], world.tasks[2]
    delivered = schedule(world, run_day, "2018-06-12", "2018-06-29")

    def to(people, k):
        return {(p, k) for p in people}

    expected = {
        # Task 2 is 7 days away on the 15th; task 1 on the 20th.
        "2018-06-15": to(LEAD_PEOPLE | {"second_head"}, key(t2, "due-in-7:2018-06-22")),
        "2018-06-19": to(LEAD_PEOPLE | {"second_head"}, key(t2, "due-in-3:2018-06-22")),
        "2018-06-20": to(LEAD_PEOPLE, key(t1, "due-in-7:2018-06-27")),
        "2018-06-22": to(LEAD_PEOPLE | {"second_head"}, key(t2, "due-today:2018-06-22")),
        "2018-06-24": to(LEAD_PEOPLE, key(t1, "due-in-3:2018-06-27")),
        "2018-06-27": to(LEAD_PEOPLE, key(t1, "due-today:2018-06-27")),
        "2018-06-28": to(LEAD_PEOPLE, key(t1, "overdue:2018-06-28")),
        "2018-06-29": to(LEAD_PEOPLE, key(t1, "overdue:2018-06-29")),
    }
    for day in days("2018-06-23", "2018-06-29"):
        expected[day] = expected.get(day, set()) | to(
            LEAD_PEOPLE | {"second_head"}, key(t2, f"overdue:{day}")
        )
    assert delivered == expected
    # Nobody else ever hears of it: co-unit, other unit, the branch secretary, plain staff.
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == LEAD_PEOPLE | {"second_head"}
    # Nothing for the completed task or the monthly one.
    assert not Notification.objects.filter(
        dedupe_key__startswith=f"reminder:task:{world.tasks[3].pk}:"
    ).exists()
    assert not Notification.objects.filter(
        dedupe_key__startswith=f"reminder:task:{world.tasks[4].pk}:"
    ).exists()
    # Every notification e-mailed exactly once, to its recipient.
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent) == len(set(sent)) == Notification.objects.count()
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_running_twice_the_same_day_sends_nothing_new(world, run_day):
    run_day("2018-06-22")
    count, emails, audits = Notification.objects.count(), len(mail.outbox), AuditRecord.objects
    audit_count = audits.count()
    assert count == 5  # task 2 due today: 3 people; task 1 (5 days left): head and contact
    run_day("2018-06-22")
    run_day("2018-06-22", "--now")
    assert Notification.objects.count() == count
    assert len(mail.outbox) == emails == count
    assert audits.count() == audit_count


def test_completing_a_task_stops_its_reminders(world, run_day):
    run_day("2018-06-24")
    Task.objects.filter(pk=world.tasks[1].pk).update(completed_on=dt.date(2018, 6, 24))
    before = last_id()
    for day in days("2018-06-25", "2018-06-30"):
        run_day(day)
    assert not any(k.startswith(key(world.tasks[1], "")) for _, k in received(before))


def test_changing_the_lead_times_changes_the_schedule(world, run_day):
    campaign = world.campaign
    campaign.reminder_days = [10, 1]
    campaign.remind_daily_when_overdue = False
    campaign.save()
    t1 = world.tasks[1]
    delivered = schedule(world, run_day, "2018-06-14", "2018-06-30")
    t1_days = {
        day: {k for _, k in pairs if k.startswith(key(t1, ""))} for day, pairs in delivered.items()
    }
    assert {day: ks for day, ks in t1_days.items() if ks} == {
        "2018-06-17": {key(t1, "due-in-10:2018-06-27")},
        "2018-06-26": {key(t1, "due-in-1:2018-06-27")},
        "2018-06-28": {key(t1, "overdue-once:2018-06-27")},
    }


def test_an_unreachable_lead_unit_is_logged_and_skipped(world, run_day, caplog):
    world.users["head"].person.roles.all().delete()
    world.users["contact"].person.roles.all().delete()
    run_day("2018-06-20")
    assert not Notification.objects.filter(dedupe_key__contains=f":{world.tasks[1].pk}:").exists()
    assert f"reminder:task:{world.tasks[1].pk}:due-in-7:2018-06-27" in caplog.text
    assert "no unit head or contact" in caplog.text


def test_the_email_names_the_task_its_deadline_the_campaign_and_links_to_it(
    world, run_day, settings
):
    settings.LANGUAGE_CODE = "en"
    settings.HUODONG_BASE_URL = "https://huodong.example.gov.cn/"
    world.tasks[1].due_text = "6月27日"
    world.tasks[1].save()
    run_day("2018-06-20")
    # Task 2 (2 days left, its 3-day reminder) goes out the same day; look at task 1's.
    [message] = [m for m in mail.outbox if m.to == ["head@example.gov.cn"] and "1. " in m.subject]
    assert message.subject == "Due in 7 days: 1. 开展大学习大调研"
    assert "Task: 1. 开展大学习大调研" in message.body
    assert "Deadline: 2018-06-27 (6月27日)" in message.body
    assert "Campaign: 解放思想大讨论活动" in message.body
    assert "Lead units: 综合处" in message.body
    link = f"https://huodong.example.gov.cn/campaigns/{world.campaign.pk}/tasks/1/"
    assert message.body.rstrip().endswith(link)
    notification = Notification.objects.get(
        recipient=world.users["head"], dedupe_key__contains="due-in-7"
    )
    assert notification.url == f"/campaigns/{world.campaign.pk}/tasks/1/"
    assert notification.kind == NotificationKind.REMINDER


def test_overdue_reminders_are_of_the_overdue_kind(world, run_day, settings):
    settings.LANGUAGE_CODE = "en"
    run_day("2018-06-23")
    titles = set(
        Notification.objects.filter(kind=NotificationKind.OVERDUE).values_list("title", flat=True)
    )
    assert titles == {"Overdue by 1 day: 2. 召开专题座谈会"}


def test_without_a_base_url_setting_links_point_at_the_local_server(world, run_day, settings):
    del settings.HUODONG_BASE_URL
    run_day("2018-06-20")
    assert f"http://127.0.0.1:8000/campaigns/{world.campaign.pk}/tasks/1/" in mail.outbox[0].body


def test_a_crash_midway_then_a_rerun_sends_the_rest_once(
    transactional_db, world, settings, monkeypatch
):
    # Real commits: what was sent before the crash stays sent, and was e-mailed after commit.
    real_send = reminder_tasks.notification_send
    calls: list[str] = []

    def crash_on_second(**kwargs):
        calls.append(kwargs["dedupe_key"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_send(**kwargs)

    monkeypatch.setattr(reminder_tasks, "notification_send", crash_on_second)
    with pytest.raises(RuntimeError):
        send_campaign_reminders.call(world.campaign.pk, "2018-06-22")
    first = received()
    assert {k for _, k in first} == {key(world.tasks[1], "due-in-7:2018-06-27")}
    assert len(first) == 2 and len(mail.outbox) == 2

    monkeypatch.setattr(reminder_tasks, "notification_send", real_send)
    assert send_campaign_reminders.call(world.campaign.pk, "2018-06-22") == 3
    assert send_campaign_reminders.call(world.campaign.pk, "2018-06-22") == 0
    assert Notification.objects.count() == 5
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == len(set(sent)) == 5


def test_the_command_enqueues_one_task_per_campaign_with_reminders_due(
    world, office, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HUODONG_TODAY = "2018-06-20"
    quiet = type(world.campaign).objects.create(office=office, title="无到期任务")
    Task.objects.create(campaign=quiet, seq=1, text="远期任务", due=dt.date(2018, 12, 1))
    out = StringIO()
    call_command("schedule_reminders", "--digest", stdout=out)
    queued = sorted(
        (r.task_path.rsplit(".", 1)[1], r.args_kwargs["args"]) for r in DBTaskResult.objects.all()
    )
    assert queued == [
        ("deliver_pending_emails", []),
        ("send_campaign_reminders", [world.campaign.pk, "2018-06-20"]),
        ("send_daily_digests", ["2018-06-20"]),
        ("send_enterprise_problem_reminders", ["2018-06-20"]),
    ]
    assert "2018-06-20: reminder tasks enqueued for 1 campaign(s)" in out.getvalue()
    assert not Notification.objects.exists()  # nothing sent until a worker runs


def test_the_date_option_overrides_today(world, run_day):
    run_day("2018-01-01", "--date", "2018-06-20")
    assert {k for _, k in received()} == {
        key(world.tasks[1], "due-in-7:2018-06-27"),
        key(world.tasks[2], "due-in-3:2018-06-22"),
    }


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("schedule_reminders", "--date", "2018-13-01")


def test_now_runs_without_a_worker_and_emails_in_process(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HUODONG_TODAY = "2018-06-20"
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("schedule_reminders", "--now", stdout=out)
    assert "2018-06-20: 5 reminders sent for 1 campaign(s)" in out.getvalue()
    assert len(mail.outbox) == Notification.objects.count() == 5
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    # The delivery tasks nobody would run were never queued.
    assert not DBTaskResult.objects.exists()


def test_the_worker_runs_what_the_scheduler_enqueued(transactional_db, world, settings):
    """The production path: database queue, `huodong db_worker`, e-mail after commit."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HUODONG_TODAY = "2018-06-20"
    call_command("schedule_reminders", stdout=StringIO())
    assert not Notification.objects.exists()
    worker = ["--batch", "--no-startup-delay", "--interval", "0", "--no-reload"]
    call_command("db_worker", *worker, stdout=StringIO())
    assert Notification.objects.count() == 5
    assert len(mail.outbox) == 5
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    call_command("schedule_reminders", stdout=StringIO())
    call_command("db_worker", *worker, stdout=StringIO())
    assert Notification.objects.count() == 5 and len(mail.outbox) == 5


def test_the_sweep_emails_what_a_dead_worker_left(
    world, run_day, settings, django_capture_on_commit_callbacks
):
    # The delivery tasks vanish into a dummy queue, like tasks held by a worker that died.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        send_campaign_reminders.call(world.campaign.pk, "2018-06-20")
    assert Notification.objects.count() == 5 and mail.outbox == []
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    run_day("2018-06-20")
    run_day("2018-06-20")
    assert Notification.objects.count() == len(mail.outbox) == 5


def test_the_seed_campaign_reminds_its_lead_units(seed_campaign, make_member, run_day):
    from huodong.orgs.models import Role, Unit

    office = seed_campaign.office
    heads = {}
    for name in ("综合处", "业务处", "督查处", "宣传室"):
        unit = Unit.objects.get(office=office, name=name)
        heads[name] = make_member(office, role=Role.UNIT_HEAD, unit=unit, role_unit=unit)
    run_day("2018-06-20", "--now")
    by_head = {
        name: sorted(
            Notification.objects.filter(recipient=user).values_list("dedupe_key", flat=True)
        )
        for name, user in heads.items()
    }
    seq = {t.pk: t.seq for t in seed_campaign.tasks.all()}

    def seqs(keys):
        return sorted((seq[int(k.split(":")[2])], k.split(":")[3]) for k in keys)

    assert seqs(by_head["综合处"]) == [(2, "overdue"), (6, "overdue"), (9, "overdue")]
    assert seqs(by_head["业务处"]) == [(4, "overdue"), (7, "due-today")]
    assert seqs(by_head["督查处"]) == [(2, "overdue"), (3, "overdue")]
    assert seqs(by_head["宣传室"]) == [(1, "overdue"), (5, "overdue")]
