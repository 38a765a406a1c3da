"""An office with a contest's people: its organisers, three judges, authors whose names,
units and contacts cannot appear on a page by chance, a leader, an outsider.

`contest` is a contest open for entries (2018-06-01 to 2018-06-30, 200–3000 字) with a rubric
of three criteria (40 + 30 + 30), three judges and three awards; `judging` adds two staff
entries and a public one and starts the judging.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest

from huodong.contests import services
from huodong.contests.models import Contest, Criterion, Entry, Judge
from huodong.orgs.models import Person, Role, Unit, UnitKind, User

TODAY = "2018-06-20"
OPENS = dt.date(2018, 6, 1)
CLOSES = dt.date(2018, 6, 30)

AUTHOR_NAME = "欧阳清漪"
AUTHOR_UNIT = "澄江文史研究处"
SECOND_NAME = "司马望舒"
SECOND_UNIT = "栖霞档案编研科"
PUBLIC_NAME = "上官紫鸢"
PUBLIC_ORG = "霁月湖书画研究会"
PUBLIC_CONTACT = "ziyuan.shangguan@example.org"
SECRETS = [AUTHOR_NAME, AUTHOR_UNIT, SECOND_NAME, SECOND_UNIT, PUBLIC_NAME, PUBLIC_ORG]

COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"  # noqa: E501


def chinese(seed: int, length: int) -> str:
    """`length` common characters, every one a 字; never an author's name."""
    rng = random.Random(seed)
    return "".join(rng.choice(COMMON) for _ in range(length))


@dataclass
class People:
    director: User
    office_staff: User
    judges: list[User]
    author: User
    second: User
    other_staff: User
    leader: User
    inspector: User
    stranger: User
    author_unit: Unit
    second_unit: Unit

    @staticmethod
    def person(user: User) -> Person:
        return Person.objects.get(user=user)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.HUODONG_TODAY = TODAY
    # Messages are matched in English (the msgids); the interface defaults to Chinese.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def people(office, other_office, make_member) -> People:
    office_unit = Unit.objects.create(office=office, name="宣传室", kind=UnitKind.DEPARTMENT)
    author_unit = Unit.objects.create(office=office, name=AUTHOR_UNIT, kind=UnitKind.DEPARTMENT)
    second_unit = Unit.objects.create(office=office, name=SECOND_UNIT, kind=UnitKind.DEPARTMENT)
    judges_unit = Unit.objects.create(office=office, name="评审组", kind=UnitKind.DEPARTMENT)
    return People(
        director=make_member(
            office, role=Role.OFFICE_DIRECTOR, unit=office_unit, username="director", name="仲主任"
        ),
        office_staff=make_member(
            office, role=Role.OFFICE_STAFF, unit=office_unit, username="officestaff", name="宣干事"
        ),
        judges=[
            make_member(office, unit=judges_unit, username=f"judge{i}", name=f"评委{i}")
            for i in (1, 2, 3)
        ],
        author=make_member(office, unit=author_unit, username="author", name=AUTHOR_NAME),
        second=make_member(office, unit=second_unit, username="second", name=SECOND_NAME),
        other_staff=make_member(office, unit=office_unit, username="other", name="旁观者"),
        leader=make_member(
            office, role=Role.LEADER, unit=office_unit, username="leader", name="组长"
        ),
        inspector=make_member(
            office, role=Role.INSPECTOR, unit=office_unit, username="inspector", name="督查员"
        ),
        stranger=make_member(
            other_office, role=Role.OFFICE_DIRECTOR, username="stranger", name="外办主任"
        ),
        author_unit=author_unit,
        second_unit=second_unit,
    )


def make_contest(office, people: People, **overrides) -> Contest:
    values = {
        "title": "解放思想大讨论主题征文",
        "theme": "推进六个高质量发展",
        "rules": "围绕主题，联系实际。",
        "opens_on": OPENS,
        "closes_on": CLOSES,
        "min_chars": 200,
        "max_chars": 3000,
        "allows_public": True,
        "judges_per_entry": 3,
    }
    values.update(overrides)
    return services.contest_create(actor=people.director, office=office, **values)


@pytest.fixture
def contest(office, people) -> Contest:
    contest = make_contest(office, people)
    director = people.director
    for name, maximum in (("思想性", 40), ("针对性", 30), ("文字表达", 30)):
        services.criterion_add(actor=director, contest=contest, name=name, max_score=maximum)
    for judge in people.judges:
        services.judge_add(actor=director, contest=contest, person=People.person(judge))
    for rank, (name, places) in enumerate((("一等奖", 1), ("二等奖", 1), ("三等奖", 1)), 1):
        services.award_add(actor=director, contest=contest, name=name, places=places, rank=rank)
    return services.contest_open(actor=director, contest=contest)


def criteria(contest: Contest) -> list[Criterion]:
    return list(Criterion.objects.filter(contest=contest).order_by("sort_order", "pk"))


def judge_of(contest: Contest, user: User) -> Judge:
    return Judge.objects.get(contest=contest, person__user=user)


def submit_staff(contest: Contest, user: User, seed: int, title: str = "我的征文") -> Entry:
    return services.entry_save(
        actor=user, contest=contest, title=title, body=chinese(seed, 400), submit=True
    )


def submit_public(contest: Contest, seed: int = 9) -> Entry:
    return services.public_entry_submit(
        contest=contest,
        token=services.public_entry_token_new(),
        name=PUBLIC_NAME,
        organisation=PUBLIC_ORG,
        contact=PUBLIC_CONTACT,
        title="一位市民的征文",
        body=chinese(seed, 500),
    ).entry


@dataclass
class Judging:
    contest: Contest
    entry: Entry  # 欧阳清漪's, no. 1
    second: Entry  # 司马望舒's, no. 2
    public: Entry  # 上官紫鸢's, no. 3


@pytest.fixture
def judging(contest, people) -> Judging:
    first = submit_staff(contest, people.author, 1, title="澄心致远")
    second = submit_staff(contest, people.second, 2, title="望舒之思")
    public = submit_public(contest)
    started = services.contest_start_judging(actor=people.director, contest=contest)
    return Judging(started, first, second, public)


def score_all(judging_contest: Contest, people: People, marks: dict[int, list[int]]) -> None:
    """Each judge's complete sheet: `marks[entry_id]` = the three judges' totals' shares."""
    rubric = criteria(judging_contest)
    for entry_id, totals in marks.items():
        entry = Entry.objects.get(pk=entry_id)
        for judge, total in zip(people.judges, totals, strict=True):
            # Spread the total over the rubric within each maximum.
            remaining = total
            scores = {}
            for criterion in rubric:
                given = min(criterion.max_score, remaining)
                scores[criterion.pk] = str(given)
                remaining -= given
            services.score_sheet_save(
                actor=judge, entry=entry, scores=scores, comment="", complete=True
            )
