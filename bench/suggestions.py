"""The suggestion pool at the issue's scale: 20,000 suggestions in one office.

The texts are generated (seeded) from 300 ideas — a service (不动产登记, 企业开办…) and a
measure (推行一网通办, 减少重复提交材料…) — each made for a place (宿城区, 沭阳县…) with a
detail of its own (目前要跑3次, 希望在9月底前落实…) and worded with varying openings and
purposes; one in twenty says again what an earlier suggestion said (another opening, a
character slipped), and about 3% are already merged duplicates. They have categories, tags
(one to three of 40), stages and statuses, a sixth assigned evaluators, and their "received"
history line; all inserted with bulk inserts (not timed). On PostgreSQL the tables are
vacuumed and analysed after loading, as autovacuum does.

Measured, through the test client as the office director (median of `RUNS`, and the number of
SQL queries): the list's first page, a filtered page (stage, tag and a text search), the page
of one suggestion with its "possibly the same as" candidates; then the near-duplicate grouping
of the 20,000 texts (normalising, bigrams, MinHash, verification), and the similar-suggestions
page, cold (the office's index built from the database) and warm.

`HUODONG_BENCH_SUGGESTIONS` sets a smaller size to try the benchmark quickly.
`python -m bench.suggestions` runs it alone (on a throw-away SQLite, or DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time

from bench.figures import Figure, below, page, print_figures, recorded

SUGGESTIONS = int(os.environ.get("HUODONG_BENCH_SUGGESTIONS", "20000"))
BATCH = 5_000
RUNS = 15
GROUPING_RUNS = 3
USERNAME = "bench-suggestions-director"
PASSWORD = "Bench-pass-2018"
TABLES = (
    "suggestions_suggestion",
    "suggestions_suggestion_tags",
    "suggestions_suggestionevent",
    "suggestions_suggestionevaluation",
)

SERVICES = [
    "不动产登记",
    "企业开办",
    "社保医保",
    "住房公积金",
    "税务办理",
    "工程建设项目审批",
    "市场主体登记",
    "出入境证件",
    "户籍办理",
    "公证服务",
    "医保报销",
    "车辆年检",
    "食品经营许可",
    "建筑施工许可",
    "排污许可",
    "人才引进",
    "创业担保贷款",
    "残疾人补贴",
    "养老保险认证",
    "水电气报装",
]
MEASURES = [
    "推行一网通办",
    "减少重复提交材料",
    "实行全程帮办代办",
    "增加周末延时服务",
    "压缩办理时限",
    "公开一次性告知清单",
    "推行容缺受理",
    "设立自助服务终端",
    "开通手机端办理",
    "实现跨部门数据共享",
    "推行告知承诺制",
    "设立综合受理窗口",
    "提供免费邮寄送达",
    "加强窗口人员培训",
    "规范中介服务收费",
]
OPENINGS = ["建议", "希望", "恳请有关部门", "能否", "强烈建议", "我们企业希望", ""]
PURPOSES = [
    "方便群众办事",
    "让企业少跑腿",
    "提升办事效率",
    "优化营商环境",
    "减轻群众负担",
    "提高群众满意度",
    "",
]
PLACES = [
    "宿城区",
    "宿豫区",
    "沭阳县",
    "泗阳县",
    "泗洪县",
    "经济技术开发区",
    "湖滨新区",
    "洋河新区",
    "苏宿工业园区",
    "市民中心",
    "各乡镇便民服务中心",
    "高铁新区",
]
DETAILS = [
    "目前要跑{n}次",
    "高峰期排队超过{n}分钟",
    "希望在{month}月底前落实",
    "现在要交{n}份材料",
    "平均要等{n}个工作日",
    "我们公司今年已经办了{n}次",
    "很多群众反映过{n}次以上",
    "周边{n}家企业都有同样的需求",
    "建议先选{n}个事项试点",
    "每年能为企业节省{n}万元",
]
CATEGORIES = ["营商环境", "政务服务", "作风建设", "数字政府"]
TAGS = [
    f"{word}"
    for word in (
        "窗口",
        "效率",
        "材料",
        "网上办",
        "周末",
        "企业",
        "群众",
        "审批",
        "数据",
        "收费",
        "培训",
        "告知",
        "自助",
        "邮寄",
        "中介",
        "时限",
        "流程",
        "作风",
        "态度",
        "环境",
        "停车",
        "排队",
        "预约",
        "咨询",
        "导办",
        "园区",
        "人才",
        "医保",
        "社保",
        "公积金",
        "不动产",
        "税务",
        "户籍",
        "公证",
        "许可",
        "补贴",
        "养老",
        "报装",
        "创业",
        "容缺",
    )
]
REPEATED_SHARE = 0.05
STAGES = ["received"] * 5 + ["evaluating"] * 3 + ["valuable", "adopted", "not_adopted"]


def _text(rng: random.Random, idea: tuple[str, str]) -> str:
    service, measure = idea
    opening = rng.choice(OPENINGS)
    purpose = rng.choice(PURPOSES)
    place = rng.choice(PLACES)
    detail = rng.choice(DETAILS).format(n=rng.randint(2, 40), month=rng.randint(7, 12))
    body = f"{opening}{place}{service}{measure}，{detail}"
    tail = f"，{purpose}" if purpose else ""
    return f"{body}{tail}{rng.choice('。！')}"


def _reworded(rng: random.Random, text: str) -> str:
    """The same suggestion made again: another opening, a character slipped, no full stop."""
    for opening in OPENINGS:
        if opening and text.startswith(opening):
            text = text[len(opening) :]
            break
    text = rng.choice(OPENINGS) + text.rstrip("。！")
    if rng.random() < 0.5:
        cut = rng.randrange(len(text))
        text = text[:cut] + text[cut + 1 :]
    return text


def build(size: int = SUGGESTIONS):
    """The office, its director (a login), evaluators and `size` suggestions; the office."""
    from huodong.campaigns.models import Campaign
    from huodong.orgs.models import Office, Person, Role, Unit, UnitKind, User
    from huodong.orgs.services import person_create, person_grant_login, role_assign
    from huodong.suggestions.models import (
        Stage,
        Suggestion,
        SuggestionCategory,
        SuggestionEvaluation,
        SuggestionEvent,
        SuggestionSource,
        SuggestionStatus,
        SuggestionTag,
    )

    office = Office.objects.create(name="意见建议基准办公室")
    unit = Unit.objects.create(office=office, name="综合处", kind=UnitKind.DEPARTMENT)
    director_person = person_create(actor=None, office=office, name="基准主任", unit=unit)
    director = person_grant_login(
        actor=None, person=director_person, username=USERNAME, password=PASSWORD
    )
    role_assign(actor=None, person=director_person, role=Role.OFFICE_DIRECTOR)
    evaluators = []
    for n in range(20):
        p = person_create(actor=None, office=office, name=f"评估人{n}", unit=unit)
        person_grant_login(actor=None, person=p, username=f"bench-evaluator-{n}", password=PASSWORD)
        evaluators.append(p)
    campaign = Campaign.objects.create(
        office=office, title="解放思想大讨论活动（基准）", start=dt.date(2018, 5, 18)
    )
    categories = SuggestionCategory.objects.bulk_create(
        SuggestionCategory(office=office, name=name, sort_order=n)
        for n, name in enumerate(CATEGORIES)
    )
    tags = SuggestionTag.objects.bulk_create(SuggestionTag(office=office, name=n) for n in TAGS)
    statuses = {
        "evaluating": SuggestionStatus.objects.create(
            office=office, stage="evaluating", name="转交职能部门"
        ),
        "adopted": SuggestionStatus.objects.create(office=office, stage="adopted", name="已落实"),
    }
    rng = random.Random(2018)
    ideas = [(s, m) for s in SERVICES for m in MEASURES]
    rng.shuffle(ideas)
    ideas = ideas[:300]
    start = dt.datetime(2018, 5, 18, 8, tzinfo=dt.UTC)
    step = (dt.datetime(2018, 9, 30, tzinfo=dt.UTC) - start) / max(1, size)
    sources = [SuggestionSource.MAILBOX, SuggestionSource.STAFF, SuggestionSource.SURVEY]
    staff = list(Person.objects.filter(office=office))
    rows = []
    for number in range(1, size + 1):
        stage = rng.choice(STAGES)
        source = rng.choice(sources)
        at = start + step * number
        named = source == SuggestionSource.MAILBOX and rng.random() < 0.6
        # About one in twenty says again what an earlier one said.
        if rows and rng.random() < REPEATED_SHARE:
            text = _reworded(rng, rng.choice(rows).text)
        else:
            text = _text(rng, rng.choice(ideas))
        rows.append(
            Suggestion(
                office=office,
                campaign=campaign,
                number=number,
                text=text,
                source=source,
                submitter=rng.choice(staff) if source == SuggestionSource.STAFF else None,
                submitter_name=f"群众{number}" if named else "",
                submitter_contact=f"139{number:08d}" if named else "",
                is_anonymous=source == SuggestionSource.SURVEY,
                category=rng.choice(categories) if rng.random() < 0.8 else None,
                stage=stage,
                status=statuses.get(stage) if rng.random() < 0.5 else None,
                reason="与现行规定不符" if stage == Stage.NOT_ADOPTED else "",
                created_at=at,
                updated_at=at,
            )
        )
    made = []
    for low in range(0, len(rows), BATCH):
        made += Suggestion.objects.bulk_create(rows[low : low + BATCH])
    # About 3% are merged into an earlier suggestion.
    duplicates = []
    for suggestion in made[100:]:
        if rng.random() < 0.03:
            suggestion.stage = Stage.DUPLICATE
            suggestion.status = None
            suggestion.reason = ""
            suggestion.duplicate_of = made[rng.randrange(0, 100)]
            duplicates.append(suggestion)
    Suggestion.objects.bulk_update(
        duplicates, ["stage", "status", "reason", "duplicate_of"], batch_size=BATCH
    )
    through = Suggestion.tags.through
    through.objects.bulk_create(
        (
            through(suggestion_id=s.pk, suggestiontag_id=tag.pk)
            for s in made
            for tag in rng.sample(tags, rng.randint(1, 3))
        ),
        batch_size=BATCH,
    )
    SuggestionEvent.objects.bulk_create(
        (
            SuggestionEvent(suggestion=s, action="created", to_stage="received", at=s.created_at)
            for s in made
        ),
        batch_size=BATCH,
    )
    SuggestionEvaluation.objects.bulk_create(
        (
            SuggestionEvaluation(
                suggestion=s, evaluator=rng.choice(evaluators), assigned_by=director
            )
            for s in made
            if s.stage == Stage.EVALUATING and rng.random() < 0.5
        ),
        batch_size=BATCH,
    )
    assert User.objects.filter(username=USERNAME).exists()
    return office, made


def settle() -> None:
    from bench.database import vacuum_analyze

    vacuum_analyze(TABLES)


def _page_row(
    client,
    label: str,
    url: str,
    *,
    timed,
    p,
    limit_ms: float | None,
    queries_checked: bool,
    shown_target: str | None = None,
) -> Figure:
    """The page's median and p95 and its SQL queries. The count is measured at one size here;
    the tests assert that it does not grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = timed(lambda: client.get(url), repeat=RUNS)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return page(
        label,
        samples,
        len(queries),
        p=p,
        limit_ms=limit_ms,
        queries_checked=queries_checked,
        middle="median",
        shown_target=shown_target,
    )


def run(*, timed, p) -> list[Figure]:
    from django.test import Client
    from django.urls import reverse

    from huodong.orgs.models import User
    from huodong.suggestions import similarity
    from huodong.suggestions.models import Suggestion, SuggestionTag

    rows: list[Figure] = []
    start = time.perf_counter()
    office, made = build()
    settle()
    size = f"{len(made):,} suggestions"
    seconds = time.perf_counter() - start
    rows.append(
        recorded(
            f"suggestions: insert {size} with tags, history, evaluators",
            round(seconds, 1),
            "s",
            f"{seconds:.1f} s",
            shown_target="setup",
        )
    )
    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    url = reverse("suggestions:list")
    rows.append(
        _page_row(
            client,
            f"suggestions: list, first page of 50, {size}",
            url,
            timed=timed,
            p=p,
            limit_ms=300,
            queries_checked=True,
        )
    )
    tag = SuggestionTag.objects.get(office=office, name="窗口")
    rows.append(
        _page_row(
            client,
            "suggestions: list filtered (stage, tag, text “办理”)",
            f"{url}?stage=evaluating&tag={tag.pk}&q=办理",
            timed=timed,
            p=p,
            limit_ms=300,
            queries_checked=False,
        )
    )
    rows.append(
        _page_row(
            client,
            "suggestions: list searched by text (“一网通办”)",
            f"{url}?q=一网通办",
            timed=timed,
            p=p,
            limit_ms=300,
            queries_checked=False,
        )
    )

    texts = list(
        Suggestion.objects.filter(office=office)
        .exclude(stage="duplicate")
        .order_by("pk")
        .values_list("pk", "text")
    )
    found: list = []

    def group() -> None:
        items = [(pk, similarity.grams(text)) for pk, text in texts]
        found[:] = similarity.near_duplicate_groups(items)

    samples = timed(group, repeat=GROUPING_RUNS)
    grouped = sum(len(g.members) for g in found)
    median = p(samples, 0.5)
    rows.append(
        below(
            f"suggestions: near-duplicate grouping of {len(texts):,} texts (bigrams, MinHash, "
            "verified)",
            round(median, 1),
            "ms",
            3000,
            f"median {median:.0f} ms; {len(found):,} groups holding {grouped:,}",
            target="< 3 s",
        )
    )
    similar_url = reverse("suggestions:similar")
    similarity.reset()
    cold_start = time.perf_counter()
    assert client.get(similar_url).status_code == 200
    cold = (time.perf_counter() - cold_start) * 1000
    rows.append(
        recorded(
            "suggestions: similar-suggestions page, cold (office index built from the database)",
            round(cold, 1),
            "ms",
            f"{cold:.0f} ms",
        )
    )
    rows.append(
        _page_row(
            client,
            "suggestions: similar-suggestions page, warm index",
            similar_url,
            timed=timed,
            p=p,
            limit_ms=None,
            queries_checked=False,
            shown_target="recorded (groups computed each time)",
        )
    )
    one = made[len(made) // 2]
    rows.append(
        _page_row(
            client,
            "suggestions: one suggestion's page with its “possibly the same as”",
            reverse("suggestions:detail", args=[one.pk]),
            timed=timed,
            p=p,
            limit_ms=300,
            queries_checked=False,
        )
    )
    return rows


if __name__ == "__main__":
    from bench import run as bench_run

    bench_run.setup_django()
    print_figures(run(timed=bench_run.timed, p=bench_run.p))
    sys.exit(0)
