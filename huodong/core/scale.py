"""A city-size data set built through the project's models (`huodong generate_scale`).

One office with its units (party branches among them) and people, the seed plan
(宿政管发〔2018〕9号) imported as its campaign with more tasks, study sessions and records,
reflections of about 3,000 字, questionnaires with their answers, suggestions and outcomes,
meetings, problems, rectification orders and publicity. Everything is generated from a seeded
random generator and inserted with bulk inserts (a failed run deletes what it made); what the
services keep alongside a write is recounted after the load: the per-person study tallies
(`study_tallies_rebuild`), each questionnaire's answer tallies (`survey_tallies_rebuild`), each
reflection's 字数 (`word_count` of its text) and each outcome's progress (the average of its
sub-outcomes). The benchmarks (`bench/city.py`, `bench/surveys.py`) build their data with it.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from importlib import resources
from typing import Any, TypeVar

from django.db import models, transaction

from huodong.core import clock

M = TypeVar("M", bound=models.Model)

BATCH = 5_000
DEFAULT_OFFICE = "市级规模测试办公室"
DEFAULT_PASSWORD = "Huodong@2018"
# The seed plan runs from May to December 2018.
START = dt.date(2018, 5, 1)
END = dt.date(2018, 12, 31)


@dataclass(frozen=True)
class Sizes:
    """How many of each. `units` counts every unit of the office (the plan's own, the party
    branches among them); `people` every person (the director among them); `tasks` the tasks
    added to the seed plan's over the campaign; `unit_plan_tasks` the tasks of each lead unit's
    own implementation plan (单位实施方案: every unit that leads one of the seed plan's tasks
    breaks it down into that many of its own); `answers` the questionnaire responses (答卷) of
    all surveys, the staff questionnaires' answered by distinct staff members."""

    units: int = 1_200
    branches: int = 300
    people: int = 60_000
    tasks: int = 300
    unit_plan_tasks: int = 100
    studies: int = 300_000
    reflections: int = 60_000
    surveys: int = 20
    answers: int = 250_000
    suggestions: int = 20_000
    outcomes: int = 2_000
    meetings: int = 120

    # The smallest office the plan fits in: the units the seed plan names (its three party
    # branches among them) and a department.
    MIN_UNITS = 40
    PLAN_BRANCHES = 3

    def scaled(self, factor: float) -> Sizes:
        """Every size times `factor` (at least what an office needs to hold the plan)."""
        if factor == 1:
            return self
        values = {f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)}
        # A unit's own plan has as many tasks whatever the city's size.
        values["unit_plan_tasks"] = self.unit_plan_tasks
        values["units"] = max(values["units"], self.MIN_UNITS)
        values["branches"] = max(values["branches"], self.PLAN_BRANCHES)
        values["people"] = max(values["people"], 2)
        return replace(self, **values)


@dataclass
class Generated:
    office: Any
    campaign: Any
    counts: dict[str, int] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)  # username -> what the login is


class OfficeExists(Exception):
    """An office of that name is there already (and was not to be replaced)."""


class SizeRefused(ValueError):
    """Sizes the office cannot be built with."""


Progress = Callable[[str, int, float, float], None]


def _quiet(stage: str, count: int, seconds: float, total: float) -> None:
    pass


def bulk(model: type[M], rows: Iterable[M], batch: int = BATCH) -> list[M]:
    """Insert the rows in batches; the saved objects, with their ids."""
    made: list[M] = []
    chunk: list[M] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            made += model._default_manager.bulk_create(chunk, batch_size=batch)
            chunk = []
    if chunk:
        made += model._default_manager.bulk_create(chunk, batch_size=batch)
    return made


def bulk_count(model: type[M], rows: Iterable[M], batch: int = BATCH) -> int:
    """Insert the rows in batches without keeping them; how many."""
    inserted = 0
    chunk: list[M] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            inserted += len(model._default_manager.bulk_create(chunk, batch_size=batch))
            chunk = []
    if chunk:
        inserted += len(model._default_manager.bulk_create(chunk, batch_size=batch))
    return inserted


def _moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


# --- Text ---------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；！？\s]{8,}?[。；！？]")


def _sentences() -> list[tuple[str, int]]:
    """Sentences of the seed plan and of the demo's reflections, each with its 字数."""
    from huodong.participation.demo import OPENINGS, SENTENCES
    from huodong.participation.wordcount import word_count

    plan = (
        resources.files("huodong.campaigns")
        .joinpath("seeds", "plan-2018-9.txt")
        .read_text(encoding="utf-8")
    )
    body = plan.split("具体方案如下", 1)[-1]
    found = [
        s
        for s in _SENTENCE.findall(body)
        if len(s) <= 200 and s[0] not in "(（[" and not re.search(r"[（(][一二三四五六七八九十]", s)
    ]
    pool = [*found, *SENTENCES, *SENTENCES, *OPENINGS]
    # A sentence ending in a Latin letter or digit would merge with the next one's count.
    return [(s, word_count(s)) for s in dict.fromkeys(pool) if s[-1] in "。；！？"]


class _Writer:
    """Reflections of a given 字数 from shuffled sentences: the count is summed, not rescanned
    (sentences end in counted punctuation, paragraphs are separated by blank lines, so the
    text's `word_count` is the sum of its sentences')."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pool = _sentences()

    def text(self, target: int) -> tuple[str, int]:
        """A text of at least `target` 字 (a sentence more), and its 字数."""
        rng, pool = self.rng, self.pool
        paragraphs: list[str] = []
        total = 0
        while total < target:
            parts: list[str] = []
            for _ in range(rng.randint(3, 8)):
                sentence, words = rng.choice(pool)
                parts.append(sentence)
                total += words
                if total >= target:
                    break
            paragraphs.append("".join(parts))
        return "\n\n".join(paragraphs), total


# --- Questionnaires -----------------------------------------------------------------------------

SURVEY_TITLES = [
    "政务服务满意度调查",
    "营商环境问卷",
    "作风建设测评",
    "干部思想状况问卷",
    "“不见面审批”体验调查",
    "窗口服务评价",
    "企业开办便利度调查",
    "12345热线回访问卷",
    "网上办事大厅使用情况调查",
    "解放思想大讨论成效测评",
]
# Asked of the office's own staff (signed in, one answer each); the others go to the public.
STAFF_SURVEYS = frozenset({"作风建设测评", "干部思想状况问卷", "解放思想大讨论成效测评"})
SATISFACTION = ["非常满意", "满意", "一般", "不满意", "非常不满意"]
SATISFACTION_WEIGHTS = [35, 40, 15, 7, 3]
SERVICES = ["不动产登记", "社保", "公积金", "税务", "市场准入", "出入境"]
COMPANIES = ["宿迁市某某贸易有限公司", "个体工商户", "宿城区某某餐饮店", "江苏某某建设集团"]
PHRASES = [
    "窗口工作人员态度很好",
    "排队时间有点长",
    "希望增加周末服务",
    "材料一次告知清楚",
    "网上办理还不太方便",
    "自助机经常故障",
    "停车位太少",
    "办事效率明显提高",
    "导办人员很热情",
    "希望推行一网通办",
    "审批环节还可以再精简",
    "希望延长午间服务时间",
]


def build_questions(*, actor, survey) -> dict[str, Any]:
    """Ten questions of every kind (choices with "other", ratings, a matrix, a ranking, texts)."""
    from huodong.surveys.models import QuestionKind
    from huodong.surveys.services import question_add

    section = survey.sections.get()
    questions: dict[str, Any] = {}

    def add(key: str, kind: str, text: str, **extra) -> None:
        questions[key] = question_add(actor=actor, section=section, kind=kind, text=text, **extra)

    add("satisfaction", QuestionKind.SINGLE, "您对本次办事体验是否满意？", options=SATISFACTION)
    add("purpose", QuestionKind.SINGLE, "您是为谁办事？", options=["个人", "企业", "代办", "其他"])
    add(
        "services",
        QuestionKind.MULTIPLE,
        "您办理了哪些业务？",
        options=SERVICES,
        max_choices=3,
        has_other=True,
    )
    add("score", QuestionKind.RATING, "总体评分", scale=(1, 5), scale_labels=("很差", "很好"))
    add("wait", QuestionKind.RATING, "等候时间评分", scale=(1, 10))
    add(
        "matrix",
        QuestionKind.MATRIX,
        "请评价以下方面",
        options=["好", "一般", "差"],
        rows=["环境", "效率", "态度", "指引"],
    )
    add("rank", QuestionKind.RANKING, "请按重要性排序", options=["速度", "态度", "便利", "公开"])
    add("first", QuestionKind.SINGLE, "是否第一次来大厅办事？", options=["是", "否"])
    add("company", QuestionKind.SHORT_TEXT, "您的单位（可不填）")
    add("advice", QuestionKind.LONG_TEXT, "您的意见和建议")
    return questions


def option_ids(questions: dict[str, Any]) -> dict[str, list[int]]:
    from huodong.surveys.models import Option

    return {
        key: list(
            Option.objects.filter(question=question)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        for key, question in questions.items()
    }


def answers_of(rng: random.Random, response_id: int, q: dict, options: dict) -> list:
    """One response's answers, as the answering service would save them."""
    from huodong.surveys.models import Answer

    out: list = []

    def add(key: str, **values) -> None:
        out.append(Answer(response_id=response_id, question_id=q[key].pk, **values))

    place = rng.choices(range(len(SATISFACTION)), SATISFACTION_WEIGHTS)[0]
    add("satisfaction", option_id=options["satisfaction"][place])
    add("purpose", option_id=rng.choice(options["purpose"]))
    for option_id in sorted(rng.sample(options["services"], rng.randint(1, 3))):
        add("services", option_id=option_id)
    if rng.random() < 0.05:
        add("services", text=f"其他业务{rng.randint(1, 50)}", is_other=True)
    add("score", value=max(1, min(5, 5 - place + rng.choice((-1, 0, 0, 1)))))
    add("wait", value=rng.randint(1, 10))
    if rng.random() < 0.9:
        for row in range(4):
            add("matrix", option_id=rng.choice(options["matrix"]), row=row)
    if rng.random() < 0.7:
        ranked = list(options["rank"])
        rng.shuffle(ranked)
        for number, option_id in enumerate(ranked, start=1):
            add("rank", option_id=option_id, value=number)
    if rng.random() < 0.8:
        add("first", option_id=rng.choice(options["first"]))
    if rng.random() < 0.2:
        add("company", text=rng.choice(COMPANIES))
    if rng.random() < 0.3:
        add("advice", text="，".join(rng.sample(PHRASES, rng.randint(1, 4))) + "。")
    return out


def insert_answers(answers: list) -> int:
    """Insert `Answer` objects, how many. On SQLite as one parameterised statement run for each
    row (`executemany`, a loop in C): the ORM's bulk_create spent most of a city's load building
    its SQL for millions of rows (275,000 answers: 26 s instead of 58 s). PostgreSQL's driver
    sends such a statement once per row, slower than bulk_create's multi-row VALUES there."""
    from django.db import connections, router

    from huodong.surveys.models import Answer

    connection = connections[router.db_for_write(Answer)]
    if connection.vendor != "sqlite":
        return len(Answer.objects.bulk_create(answers, batch_size=BATCH))
    fields = [f for f in Answer._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Answer._meta.db_table)} "
        f"({', '.join(quote(f.column or f.attname) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    attnames = [f.attname for f in fields]
    rows = [tuple(getattr(answer, name) for name in attnames) for answer in answers]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for low in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[low : low + BATCH])
    return len(rows)


def answer_survey(
    rng: random.Random,
    survey,
    questions: dict[str, Any],
    *,
    responses: int,
    first_at: dt.datetime,
    last_at: dt.datetime,
    people: list[int] | None = None,
) -> int:
    """Insert `responses` responses with their answers (tallies not recounted): anonymous, or
    for a staff questionnaire one each from distinct `people` (at most as many as there are);
    the number of answer rows."""
    from huodong.surveys.models import Response

    options = option_ids(questions)
    respondents: list[int | None] = [None] * responses
    if people is not None:
        respondents = list(rng.sample(people, min(responses, len(people))))
        responses = len(respondents)
    span = max(1, int((last_at - first_at).total_seconds()))
    step = span / max(1, responses)
    rows = 0
    for low in range(0, responses, BATCH):
        made = Response.objects.bulk_create(
            Response(
                survey=survey,
                person_id=respondents[number],
                submitted_at=first_at + dt.timedelta(seconds=int(step * number)),
                address_hash="",
            )
            for number in range(low, min(responses, low + BATCH))
        )
        rows += insert_answers([a for r in made for a in answers_of(rng, r.pk, questions, options)])
    return rows


# --- Removing an earlier data set ----------------------------------------------------------------


def _delete(model: type[models.Model], pks: list[int]) -> None:
    """Delete these rows and what cascades from them; the rows a protected reference keeps are
    deleted first (the same way), a chunk at a time."""
    from django.db.models import ProtectedError

    for low in range(0, len(pks), 500):
        chunk = pks[low : low + 500]
        for _attempt in range(20):
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk__in=chunk).delete()
                break
            except ProtectedError as error:
                keeping: dict[type[models.Model], list[int]] = {}
                for obj in error.protected_objects:
                    keeping.setdefault(type(obj), []).append(obj.pk)
                for other, other_pks in keeping.items():
                    _delete(other, sorted(other_pks))
        else:  # pragma: no cover - a protected cycle
            raise RuntimeError(f"cannot delete {model.__name__} {chunk[:5]}…")


def office_delete(office) -> None:
    """The office and everything in it (the logins of its people too), whatever protected
    references lie between its rows. The campaigns go first: one cascade takes most rows."""
    from huodong.campaigns.models import Campaign
    from huodong.orgs.models import Office, Person, User

    with transaction.atomic():
        user_ids = list(
            Person.objects.filter(office=office, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        _delete(Campaign, list(Campaign.objects.filter(office=office).values_list("pk", flat=True)))
        _delete(Office, [office.pk])
        User.objects.filter(pk__in=user_ids).delete()


# --- The generator -----------------------------------------------------------------------------


def generate(
    *,
    sizes: Sizes = Sizes(),
    office_name: str = DEFAULT_OFFICE,
    seed: int = 2018,
    replace_existing: bool = False,
    director_username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    progress: Progress = _quiet,
) -> Generated:
    """Build the data set in a new office named `office_name`; refuses (`OfficeExists`) an
    existing one unless `replace_existing`, which deletes it first."""
    from huodong.orgs.models import Office

    began = time.perf_counter()
    existing = Office.objects.filter(name=office_name).first()
    if existing is not None:
        if not replace_existing:
            raise OfficeExists(office_name)
        office_delete(existing)
        progress("removed", 1, time.perf_counter() - began, time.perf_counter() - began)
    # Not one transaction: SQLite would hold the whole load (gigabytes) in its write-ahead log
    # and slow every later insert down. A failed run removes what it made.
    generation = _Generation(
        sizes=sizes,
        office_name=office_name,
        seed=seed,
        director_username=director_username,
        password=password,
        progress=progress,
        began=began,
    )
    try:
        return generation.run()
    except BaseException:
        if generation.office is not None:
            office_delete(generation.office)
        raise


class _Generation:
    def __init__(
        self,
        *,
        sizes: Sizes,
        office_name: str,
        seed: int,
        director_username: str | None,
        password: str,
        progress: Progress,
        began: float,
    ):
        self.sizes = sizes
        self.office_name = office_name
        self.rng = random.Random(seed)
        self.director_username = director_username
        self.password = password
        self.progress = progress
        self.began = began
        self.counts: dict[str, int] = {}
        self.logins: dict[str, str] = {}
        self.office: Any = None
        today = clock.today()
        self.today = min(max(today, START + dt.timedelta(days=30)), END)

    # helpers
    def day(self, until: dt.date | None = None) -> dt.date:
        until = until or self.today
        return START + dt.timedelta(days=self.rng.randint(0, (until - START).days))

    def stage(self, name: str, count: int, since: float) -> None:
        now = time.perf_counter()
        self.counts[name] = count
        self.progress(name, count, now - since, now - self.began)

    def run(self) -> Generated:
        t = time.perf_counter()
        self.organisation()
        self.stage("units", self.counts_units, t)
        t = time.perf_counter()
        self.staff()
        self.stage("people", len(self.person_ids) + 1, t)
        t = time.perf_counter()
        self.stage("tasks", self.tasks(), t)
        t = time.perf_counter()
        self.stage("sessions", self.sessions(), t)
        t = time.perf_counter()
        self.stage("studies", self.studies(), t)
        t = time.perf_counter()
        self.stage("reflections", self.reflections(), t)
        t = time.perf_counter()
        self.stage("problems", self.problems(), t)
        t = time.perf_counter()
        self.stage("meetings", self.engagement(), t)
        t = time.perf_counter()
        self.stage("surveys", self.surveys(), t)
        t = time.perf_counter()
        self.stage("answers", self.answers(), t)
        t = time.perf_counter()
        self.stage("suggestions", self.suggestions(), t)
        t = time.perf_counter()
        self.stage("outcomes", self.outcomes(), t)
        t = time.perf_counter()
        self.stage("articles", self.publicity(), t)
        return Generated(
            office=self.office, campaign=self.campaign, counts=self.counts, logins=self.logins
        )

    # --- stages

    def organisation(self) -> None:
        from huodong.campaigns.plan_import import parse_plan
        from huodong.campaigns.services import campaign_create_from_plan
        from huodong.orgs.models import Office, Unit, UnitKind

        s = self.sizes
        self.office = office = Office.objects.create(name=self.office_name)
        data = (
            resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.docx").read_bytes()
        )
        self.campaign = campaign_create_from_plan(
            actor=None, office=office, plan=parse_plan(data, "p")
        )
        have = Unit.objects.filter(office=office).count()
        have_branches = Unit.objects.filter(
            office=office, kind__in=(UnitKind.BRANCH, UnitKind.TEMP_BRANCH)
        ).count()
        new_branches = max(0, s.branches - have_branches)
        left = s.units - have - new_branches
        if left < 1:
            raise SizeRefused(
                f"{s.units} units cannot hold the plan's {have} units and "
                f"{new_branches} more party branches"
            )
        departments = max(1, left // 9)
        tops = bulk(
            Unit,
            (
                Unit(office=office, name=f"第{n}处", kind=UnitKind.DEPARTMENT, sort_order=n * 100)
                for n in range(1, departments + 1)
            ),
        )
        bulk(
            Unit,
            (
                Unit(
                    office=office,
                    parent=tops[n % departments],
                    name=f"窗口{n}",
                    kind=UnitKind.WINDOW if n % 2 else UnitKind.AFFILIATE,
                    sort_order=tops[n % departments].sort_order + 1 + n // departments,
                )
                for n in range(left - departments)
            ),
        )
        branches = bulk(
            Unit,
            (
                Unit(
                    office=office,
                    parent=tops[n % departments],
                    name=f"党支部{n}",
                    kind=UnitKind.BRANCH if n % 5 else UnitKind.TEMP_BRANCH,
                    sort_order=90_000 + n,
                )
                for n in range(new_branches)
            ),
        )
        branches += list(
            Unit.objects.filter(office=office, kind=UnitKind.BRANCH).exclude(
                pk__in=[b.pk for b in branches]
            )
        )
        self.branches = branches
        self.units = list(
            Unit.objects.filter(office=office)
            .exclude(kind__in=(UnitKind.BRANCH, UnitKind.TEMP_BRANCH, UnitKind.LEADERSHIP))
            .order_by("sort_order", "pk")
        )
        self.counts_units = Unit.objects.filter(office=office).count()

    def staff(self) -> None:
        from huodong.orgs.models import Person, Role
        from huodong.orgs.services import person_create, person_grant_login, role_assign

        office, units, branches = self.office, self.units, self.branches
        director = person_create(actor=None, office=office, name="规模测试主任", unit=units[0])
        username = self.director_username or f"scale{office.pk}-director"
        self.director_user = person_grant_login(
            actor=None, person=director, username=username, password=self.password
        )
        role_assign(actor=None, person=director, role=Role.OFFICE_DIRECTOR)
        self.logins[username] = "office director"
        people = bulk(
            Person,
            (
                Person(
                    office=office,
                    unit=units[n % len(units)],
                    branch=branches[n % len(branches)] if n % 10 else None,
                    name=f"干部{n}",
                    sort_order=n + 1,
                )
                for n in range(self.sizes.people - 1)
            ),
        )
        self.person_ids = [p.pk for p in people]
        # A unit head, a branch secretary and a staff member: logins to look at their pages.
        if len(people) >= 2:
            head, secretary = people[0], people[1]
            for person, role, unit, what in (
                (head, Role.UNIT_HEAD, head.unit, "unit head"),
                (secretary, Role.BRANCH_SECRETARY, secretary.branch, "branch secretary"),
            ):
                if unit is None:
                    continue
                name = f"scale{office.pk}-{role.replace('_', '-')}"
                person_grant_login(actor=None, person=person, username=name, password=self.password)
                role_assign(actor=None, person=person, role=role, unit=unit)
                self.logins[name] = f"{what} of {unit.name}"
        if len(people) >= 3:
            name = f"scale{office.pk}-staff"
            person_grant_login(actor=None, person=people[2], username=name, password=self.password)
            self.logins[name] = "staff member"

    def tasks(self) -> int:
        from huodong.campaigns.models import Task, TaskUnit, TaskUnitRole

        rng, campaign, units, today = self.rng, self.campaign, self.units, self.today
        # The seed's tasks, done as the demo's story goes, and more over the campaign.
        phases = list(campaign.phases.order_by("start"))
        for task in Task.objects.filter(campaign=campaign).order_by("seq"):
            if task.due and task.due < today and rng.random() < 0.8:
                task.completed_on = task.due + dt.timedelta(days=rng.choice([-3, -1, 0, 0, 2, 5]))
                task.save(update_fields=["completed_on"])
        first = (
            Task.objects.filter(campaign=campaign).order_by("-seq").values_list("seq", flat=True)
        ).first() or 0
        # The units that lead the seed plan's tasks, each with its own implementation plan.
        planners = list(
            dict.fromkeys(
                TaskUnit.objects.filter(task__campaign=campaign, role=TaskUnitRole.LEAD)
                .order_by("unit__sort_order", "unit_id")
                .values_list("unit_id", flat=True)
            )
        )
        leads = [u.pk for u in units[: max(1, len(units) // 3)]]
        owners = [None] * self.sizes.tasks + [
            unit_id for unit_id in planners for _ in range(self.sizes.unit_plan_tasks)
        ]
        extra = []
        for n, owner in enumerate(owners):
            due = START + dt.timedelta(days=rng.randint(5, 240))
            done = None
            if due < today and rng.random() < 0.75:
                done = due + dt.timedelta(days=rng.choice([-4, -2, 0, 0, 1, 6]))
                done = min(done, today)
            phase = next((p for p in phases if p.start <= due <= p.end), phases[-1])
            extra.append(
                Task(
                    campaign=campaign,
                    seq=first + 1 + n,
                    phase=phase,
                    text=f"专项任务{n}" if owner is None else f"单位实施方案任务{n}",
                    due=due,
                    completed_on=done,
                )
            )
        extra = bulk(Task, extra)
        bulk(
            TaskUnit,
            (
                TaskUnit(
                    task=task,
                    unit_id=rng.choice(leads)
                    if owner is None or role == TaskUnitRole.CO
                    else owner,
                    role=role,
                    order=n,
                )
                for task, owner in zip(extra, owners, strict=True)
                for n, role in enumerate((TaskUnitRole.LEAD, TaskUnitRole.CO))
            ),
        )
        self.counts["unit plans"] = len(planners)
        return Task.objects.filter(campaign=campaign).count()

    def sessions(self) -> int:
        from huodong.campaigns.models import StudyKind
        from huodong.participation.models import StudySession

        rng = self.rng
        until = self.today + dt.timedelta(days=30)
        return bulk_count(
            StudySession,
            (
                StudySession(
                    campaign=self.campaign,
                    organiser_unit=unit,
                    kind=rng.choice([StudyKind.GROUP, StudyKind.LECTURE, StudyKind.DISCUSSION]),
                    topic="集中学习",
                    starts_at=(starts := _moment(self.day(until))),
                    ends_at=starts + dt.timedelta(hours=2),
                    sign_in_secret="x" * 32,
                )
                for unit in [*self.units, *self.branches]
                for _ in range(2)
            ),
        )

    def studies(self) -> int:
        from huodong.campaigns.models import StudyKind
        from huodong.participation.models import StudyRecord
        from huodong.participation.services.study_tallies import study_tallies_rebuild

        rng = self.rng
        kinds = [StudyKind.SELF, StudyKind.SELF, StudyKind.GROUP, StudyKind.LECTURE]
        owners = sorted(rng.choices(self.person_ids, k=self.sizes.studies))
        count = bulk_count(
            StudyRecord,
            (
                StudyRecord(
                    campaign=self.campaign,
                    person_id=person_id,
                    kind=rng.choice(kinds),
                    date=self.day(),
                    material="《习近平新时代中国特色社会主义思想》学习",
                    source="logged",
                )
                for person_id in owners
            ),
        )
        study_tallies_rebuild(campaign_id=self.campaign.pk)
        return count

    def reflections(self) -> int:
        from huodong.participation.models import Reflection

        rng, writer = self.rng, _Writer(self.rng)
        statuses = ["submitted", "accepted", "accepted", "excellent", "returned", "draft"]
        titles = [
            "解放思想心得体会",
            "解放思想大讨论学习体会",
            "以思想大解放推动政务服务高质量发展",
        ]
        reviewer = self.director_user
        people = self.person_ids

        def rows() -> Iterator[Reflection]:
            for n in range(self.sizes.reflections):
                status = rng.choice(statuses)
                target = (
                    rng.randint(2_700, 3_400) if rng.random() < 0.85 else rng.randint(800, 2_699)
                )
                body, words = writer.text(target)
                submitted = None if status == "draft" else _moment(self.day())
                reviewed = status in ("accepted", "excellent", "returned")
                yield Reflection(
                    campaign=self.campaign,
                    person_id=people[n % len(people)],
                    title=rng.choice(titles),
                    body=body,
                    word_count=words,
                    status=status,
                    submitted_at=submitted,
                    reviewed_at=submitted + dt.timedelta(days=2)
                    if reviewed and submitted
                    else None,
                    reviewed_by=reviewer if reviewed else None,
                    review_comment="请结合本职工作再深入思考。" if status == "returned" else "",
                    recommended_to_column=status == "excellent" and rng.random() < 0.3,
                    created_at=submitted or _moment(self.day()),
                    updated_at=submitted or _moment(self.day()),
                )

        return bulk_count(Reflection, rows(), batch=1_000)

    def problems(self) -> int:
        from huodong.participation.models import Problem, ProblemCategory

        rng = self.rng
        return bulk_count(
            Problem,
            (
                Problem(
                    campaign=self.campaign,
                    branch=branch,
                    seq=seq,
                    description="工作中存在畏难情绪",
                    category=ProblemCategory.TIMIDITY,
                    status=rng.choice(["found", "rectifying", "rectified", "closed"]),
                    found_on=self.day(),
                )
                for branch in self.branches
                for seq in range(1, rng.randint(0, 4) + 1)
            ),
        )

    def engagement(self) -> int:
        """Meetings and their attendees, enterprise problems, an online activity, rectification
        orders; the number of meetings."""
        from huodong.engagement.models import (
            Enterprise,
            EnterpriseProblem,
            Meeting,
            MeetingAttendee,
            OnlineActivity,
            OnlineParticipation,
        )
        from huodong.inspections.models import RectificationOrder

        rng, campaign, units, people = self.rng, self.campaign, self.units, self.person_ids
        tag = f"scale{self.office.pk}"
        meetings = bulk(
            Meeting,
            (
                Meeting(
                    campaign=campaign,
                    kind=rng.choice(["seminar", "park_visit", "open_discussion", "symposium"]),
                    title=f"座谈会{n}",
                    organiser_unit=rng.choice(units),
                    starts_at=(starts := _moment(self.day(self.today + dt.timedelta(days=41)))),
                    ends_at=starts + dt.timedelta(hours=2),
                    headcount=rng.choice([None, None, 40, 60]),
                    public_key=f"{tag}-m{n}",
                    sign_in_secret="x" * 32,
                )
                for n in range(self.sizes.meetings)
            ),
        )
        bulk_count(
            MeetingAttendee,
            (
                MeetingAttendee(
                    meeting=meeting,
                    person_id=person_id,
                    name="干部",
                    attended_at=meeting.starts_at if rng.random() < 0.8 else None,
                )
                for meeting in meetings
                for person_id in rng.sample(people, min(30, len(people)))
            ),
        )
        enterprise = Enterprise.objects.create(office=self.office, name="宿迁某科技有限公司")
        visits = [m for m in meetings if m.kind == "park_visit"] or meetings[:1]
        bulk_count(
            EnterpriseProblem,
            (
                EnterpriseProblem(
                    meeting=rng.choice(visits),
                    enterprise=enterprise,
                    description="用电报装时间长",
                    assigned_unit=rng.choice(units),
                    status=(status := rng.choice(["recorded", "assigned", "replied", "resolved"])),
                    resolved_at=_moment(self.day()) if status == "resolved" else None,
                    created_at=_moment(self.day()),
                )
                for _ in range(200)
            ),
        )
        activity = OnlineActivity.objects.create(campaign=campaign, title="我为高质量发展献一策")
        bulk_count(
            OnlineParticipation,
            (
                OnlineParticipation(
                    activity=activity,
                    person_id=person_id,
                    unit=units[0],
                    date=self.day(),
                    evidence_url="https://example.org/post",
                )
                for person_id in rng.sample(people, min(5_000, len(people)))
            ),
        )
        bulk_count(
            RectificationOrder,
            (
                RectificationOrder(
                    campaign=campaign,
                    unit=rng.choice(units),
                    problem="推进缓慢",
                    measures_required="限期整改",
                    deadline=self.day(self.today + dt.timedelta(days=41)),
                    status=rng.choice(["open", "answered", "closed"]),
                )
                for _ in range(60)
            ),
        )
        return len(meetings)

    def surveys(self) -> int:
        from huodong.surveys.models import Audience, Survey
        from huodong.surveys.services import survey_create, survey_publish

        actor = self.director_user
        self.survey_list: list[tuple[Any, dict[str, Any]]] = []
        for n in range(self.sizes.surveys):
            title = SURVEY_TITLES[n % len(SURVEY_TITLES)]
            if n >= len(SURVEY_TITLES):
                title += f"（第{n // len(SURVEY_TITLES) + 1}轮）"
            staff = SURVEY_TITLES[n % len(SURVEY_TITLES)] in STAFF_SURVEYS
            survey = survey_create(
                actor=actor,
                office=self.office,
                title=title,
                audience=Audience.STAFF if staff else Audience.PUBLIC,
            )
            questions = build_questions(actor=actor, survey=survey)
            survey_publish(actor=actor, survey=survey)
            published = _moment(START + dt.timedelta(days=(10 * n) % 60))
            Survey.objects.filter(pk=survey.pk).update(
                campaign=self.campaign, published_at=published, created_at=published
            )
            survey.published_at = published
            self.survey_list.append((survey, questions))
        return len(self.survey_list)

    def answers(self) -> int:
        """The responses: half to the first questionnaire (the big satisfaction survey), the
        rest shared; the tallies recounted. The number of responses."""
        from huodong.surveys.models import Audience
        from huodong.surveys.services import survey_tallies_rebuild

        total, count = self.sizes.answers, len(self.survey_list)
        shares = [total] if count == 1 else [total // 2]
        if count > 1:
            rest = total - shares[0]
            shares += [
                rest // (count - 1) + (1 if i < rest % (count - 1) else 0) for i in range(count - 1)
            ]
        rows = 0
        last = _moment(self.today, 18)
        stored = 0
        for (survey, questions), responses in zip(self.survey_list, shares, strict=True):
            staff = survey.audience == Audience.STAFF
            rows += answer_survey(
                self.rng,
                survey,
                questions,
                responses=responses,
                first_at=survey.published_at,
                last_at=last,
                people=self.person_ids if staff else None,
            )
            stored += min(responses, len(self.person_ids)) if staff else responses
            survey_tallies_rebuild(survey_id=survey.pk)
        self.counts["answer rows"] = rows
        return stored

    def suggestions(self) -> int:
        from huodong.suggestions.models import Stage, Suggestion

        rng = self.rng
        stages = [Stage.RECEIVED] * 4 + [Stage.EVALUATING] * 2
        stages += [Stage.VALUABLE, Stage.ADOPTED, Stage.CONVERTED, Stage.NOT_ADOPTED]
        sources = ["mailbox", "mailbox", "meeting", "visit", "survey"]
        tag = f"g{self.office.pk}"

        def rows() -> Iterator[Suggestion]:
            for n in range(1, self.sizes.suggestions + 1):
                stage = rng.choice(stages)
                text = "，".join(rng.sample(PHRASES, rng.randint(1, 3)))
                yield Suggestion(
                    office=self.office,
                    campaign=self.campaign,
                    number=n,
                    text=f"建议{n}：{text}。",
                    source=rng.choice(sources),
                    tracking_code=f"{tag}x{n}"[:16],
                    stage=stage,
                    reason="与现行规定不符，暂不采纳。" if stage == Stage.NOT_ADOPTED else "",
                    created_at=(at := _moment(self.day())),
                    updated_at=at,
                )

        return bulk_count(Suggestion, rows())

    def outcomes(self) -> int:
        """Outcomes, a quarter of them with sub-outcomes whose average is their progress."""
        from huodong.suggestions.models import Outcome

        rng, office, campaign, units = self.rng, self.office, self.campaign, self.units
        total = self.sizes.outcomes
        tops = bulk(
            Outcome,
            (
                Outcome(
                    office=office,
                    campaign=campaign,
                    kind=rng.choice(["policy", "plan", "institutional", "practice"]),
                    title=f"成果{n}",
                    responsible_unit=rng.choice(units),
                    progress=rng.randint(0, 100),
                    created_at=_moment(self.day()),
                )
                for n in range(max(1, total // 4))
            ),
        )
        children = bulk(
            Outcome,
            (
                Outcome(
                    office=office,
                    campaign=campaign,
                    parent=rng.choice(tops),
                    kind="practice",
                    title=f"子成果{n}",
                    responsible_unit=rng.choice(units),
                    status=(status := rng.choice(["planned", "in_progress", "done"])),
                    progress=100
                    if status == "done"
                    else (0 if status == "planned" else rng.randint(1, 90)),
                    created_at=_moment(self.day()),
                )
                for n in range(total - len(tops))
            ),
        )
        below: dict[int | None, list[Decimal]] = {}
        for child in children:
            below.setdefault(child.parent_id, []).append(Decimal(child.progress))
        changed = []
        for top in tops:
            if top.pk in below:
                values = below[top.pk]
                top.progress = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))
            progress = Decimal(top.progress)
            top.status = "done" if progress >= 100 else "in_progress" if progress > 0 else "planned"
            changed.append(top)
        Outcome.objects.bulk_update(changed, ["progress", "status"], batch_size=500)
        return len(tops) + len(children)

    def publicity(self) -> int:
        from huodong.publicity.models import Article, ArticleCategory, Channel, PublicityPlacement

        rng, office, campaign = self.rng, self.office, self.campaign
        category = ArticleCategory.objects.create(office=office, name="新闻动态", key="news")
        articles = bulk(
            Article,
            (
                Article(
                    office=office,
                    campaign=campaign,
                    category=category,
                    title=f"活动动态{n}",
                    status=rng.choice(["published", "published", "draft"]),
                    published_at=_moment(self.day()),
                )
                for n in range(120)
            ),
        )
        bulk_count(
            PublicityPlacement,
            (
                PublicityPlacement(
                    office=office,
                    campaign=campaign,
                    article=article,
                    title=article.title,
                    channel=channel,
                    date=self.day(),
                )
                for article in articles
                for channel in rng.sample(
                    [c for c in Channel.values if c != "website"], rng.randint(0, 3)
                )
            ),
        )
        return len(articles)
