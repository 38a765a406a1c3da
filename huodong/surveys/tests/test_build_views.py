"""The builder's pages: the office builds a questionnaire of every question type through the
forms, publishes, closes and copies it; everyone else is turned away (404) and changes nothing;
refusals are shown with nothing saved; a survey with answers is frozen; query counts stay put."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from huodong.campaigns.models import Campaign
from huodong.core.models import AuditRecord
from huodong.orgs.models import Role
from huodong.surveys.models import Option, Question, QuestionKind, Section, Survey
from huodong.surveys.services import (
    device_token_new,
    question_add,
    response_submit,
    section_add,
    survey_create,
    survey_publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    # These tests read the English msgids.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def leader(office, make_member):
    return make_member(office, role=Role.LEADER)


@pytest.fixture
def other_director(other_office, make_member):
    return make_member(other_office, role=Role.OFFICE_DIRECTOR)


@pytest.fixture
def draft(office, director):
    survey = survey_create(actor=director, office=office, title="窗口服务满意度调查")
    question_add(
        actor=director,
        section=survey.sections.get(),
        kind=QuestionKind.SINGLE,
        text="您对窗口服务是否满意？",
        options=["满意", "不满意"],
    )
    return survey


def url(name: str, *args) -> str:
    return reverse(f"surveys:{name}", args=args)


def add_question(client, survey: Survey, section: Section, **fields):
    data = {}
    for name, value in fields.items():
        if value is True:
            value = "on"
        elif isinstance(value, list):
            value = "\n".join(value)
        data[f"s{section.pk}-{name}"] = value
    return client.post(url("question_add", survey.pk, section.pk), data)


def texts(survey: Survey) -> list[str]:
    """The questions in the order people see them."""
    return list(
        survey.questions.order_by("section__position", "section_id", "position", "id").values_list(
            "text", flat=True
        )
    )


def snapshot() -> tuple:
    return (
        list(Survey.objects.order_by("pk").values()),
        list(Section.objects.order_by("pk").values()),
        list(Question.objects.order_by("pk").values()),
        list(Option.objects.order_by("pk").values()),
    )


# --- Building ------------------------------------------------------------------------------


def test_the_director_builds_a_questionnaire_of_every_type(office, director, as_user):
    client = as_user(director)
    campaign = Campaign.objects.create(office=office, title="作风建设年活动")
    response = client.post(
        url("create"),
        {
            "title": "便民服务满意度调查",
            "description": "请花两分钟填写。",
            "audience": "public",
            "campaign": campaign.pk,
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("build", survey.pk)
    assert (survey.office, survey.campaign, survey.audience) == (office, campaign, "public")
    section = survey.sections.get()

    kinds = [
        {"kind": "single", "text": "是否满意？", "options": ["满意", "不满意"], "has_other": True},
        {
            "kind": "multiple",
            "text": "办理了哪些业务？",
            "options": ["社保", "公积金", "税务"],
            "max_choices": "2",
            "required": True,
        },
        {"kind": "short_text", "text": "您的单位", "max_length": "40"},
        {"kind": "long_text", "text": "意见建议", "max_length": "300", "help_text": "可不填"},
        {
            "kind": "rating",
            "text": "总体评分",
            "scale_min": "0",
            "scale_max": "10",
            "scale_min_label": "很差",
            "scale_max_label": "很好",
        },
        {"kind": "matrix", "text": "各方面评价", "options": ["好", "差"], "rows": ["环境", "效率"]},
        {"kind": "ranking", "text": "按重要性排序", "options": ["速度", "态度", "便利"]},
    ]
    for fields in kinds:
        response = add_question(client, survey, section, **fields)
        assert response.status_code == 302, response.content.decode()[:2000]
    questions = {q.kind: q for q in survey.questions.prefetch_related("options")}
    assert list(questions) == [k["kind"] for k in kinds]
    assert questions["single"].has_other
    assert [o.label for o in questions["single"].options.all()] == ["满意", "不满意"]
    assert (questions["multiple"].max_choices, questions["multiple"].required) == (2, True)
    assert questions["short_text"].max_length == 40
    assert (questions["long_text"].max_length, questions["long_text"].help_text) == (300, "可不填")
    rating = questions["rating"]
    assert (rating.scale_min, rating.scale_max, rating.scale_min_label, rating.scale_max_label) == (
        0,
        10,
        "很差",
        "很好",
    )
    assert questions["matrix"].rows == ["环境", "效率"]
    assert questions["ranking"].options.count() == 3
    assert not questions["short_text"].options.exists()

    # A second section, and a question in it shown only after "不满意".
    response = client.post(url("section_add", survey.pk), {"title": "第二部分", "description": ""})
    assert response.status_code == 302
    second = survey.sections.get(title="第二部分")
    unhappy = questions["single"].options.get(label="不满意")
    html = client.get(url("build", survey.pk)).content.decode()
    assert f'<option value="{unhappy.pk}">Q1 = 不满意</option>' in html
    response = add_question(
        client, survey, second, kind="long_text", text="不满意的原因", show_if=str(unhappy.pk)
    )
    assert response.status_code == 302
    reason = Question.objects.get(text="不满意的原因")
    assert (reason.section, reason.show_if) == (second, unhappy)

    html = client.get(url("build", survey.pk)).content.decode()
    assert "Shown only if Q1 = 不满意" in html
    assert "第二部分" in html
    assert 'id="frozen"' not in html
    for kind in kinds:
        assert kind["text"] in html
    assert AuditRecord.objects.filter(action="survey.question_add").count() == 8


def test_moving_deleting_and_editing_options(draft, director, as_user):
    client = as_user(director)
    section = draft.sections.get()
    add_question(client, draft, section, kind="short_text", text="第二题")
    add_question(client, draft, section, kind="short_text", text="第三题")
    third = Question.objects.get(text="第三题")

    response = client.post(url("question_move", draft.pk, third.pk), {"by": "-1"})
    assert response.status_code == 302
    assert response["Location"] == f"{url('build', draft.pk)}#question-{third.pk}"
    assert texts(draft) == ["您对窗口服务是否满意？", "第三题", "第二题"]
    client.post(url("question_move", draft.pk, third.pk), {"by": "1"})
    assert texts(draft) == ["您对窗口服务是否满意？", "第二题", "第三题"]

    client.post(url("question_delete", draft.pk, third.pk))
    assert texts(draft) == ["您对窗口服务是否满意？", "第二题"]

    choice = Question.objects.get(kind="single")
    response = client.post(
        url("question_options", draft.pk, choice.pk), {"labels": "非常满意\n 满意\n\n不满意\n"}
    )
    assert response.status_code == 302
    assert list(choice.options.values_list("label", flat=True)) == ["非常满意", "满意", "不满意"]
    html = client.get(url("build", draft.pk)).content.decode()
    assert "非常满意" in html


def test_a_question_cannot_move_above_the_one_it_depends_on(draft, director, as_user):
    client = as_user(director)
    section = draft.sections.get()
    choice = Question.objects.get(kind="single")
    add_question(
        client,
        draft,
        section,
        kind="short_text",
        text="原因",
        show_if=str(choice.options.get(label="不满意").pk),
    )
    reason = Question.objects.get(text="原因")
    before = snapshot()
    response = client.post(url("question_move", draft.pk, reason.pk), {"by": "-1"}, follow=True)
    assert "A question cannot come before the question it depends on." in response.content.decode()
    assert snapshot() == before


def test_publish_with_dates_in_the_office_time_zone_then_close(draft, director, as_user):
    client = as_user(director)
    response = client.post(
        url("publish", draft.pk),
        {"opens_at": "2030-06-20T09:00", "closes_at": "2030-06-30T18:00"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert draft.published_at is not None
    assert draft.opens_at == dt.datetime(2030, 6, 20, 9, 0, tzinfo=zone)
    assert draft.closes_at == dt.datetime(2030, 6, 30, 18, 0, tzinfo=zone)
    html = client.get(url("build", draft.pk)).content.decode()
    assert 'data-status="scheduled"' in html
    assert 'value="2030-06-20T09:00"' in html  # the dates read back as typed
    list_html = client.get(url("list")).content.decode()
    assert "Not yet open" in list_html
    assert f"/s/{draft.public_key}/" in list_html

    client.post(url("publish", draft.pk), {"opens_at": "", "closes_at": ""})
    draft.refresh_from_db()
    assert (draft.opens_at, draft.closes_at) == (None, None)
    assert 'data-status="open"' in client.get(url("build", draft.pk)).content.decode()

    response = client.post(url("close", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.closes_at is not None
    assert 'data-status="closed"' in client.get(url("build", draft.pk)).content.decode()


def test_copies_and_templates(draft, director, as_user):
    client = as_user(director)
    choice = Question.objects.get(kind="single")
    add_question(
        client,
        draft,
        draft.sections.get(),
        kind="short_text",
        text="原因",
        show_if=str(choice.options.get(label="不满意").pk),
    )
    response = client.post(url("copy", draft.pk), {"title": "", "as_template": "on"})
    template = Survey.objects.get(is_template=True)
    assert response["Location"] == url("build", template.pk)
    assert template.copied_from == draft
    assert texts(template) == texts(draft)
    reason = template.questions.get(text="原因")
    assert reason.show_if.question.survey == template

    html = client.get(url("build", template.pk)).content.decode()
    assert 'id="template-note"' in html
    assert url("publish", template.pk) not in html

    listing = client.get(url("list")).content.decode()
    assert "Use this template" in listing
    assert f'action="{url("copy", template.pk)}"' in listing

    # "Use this template": a draft to answer, with the template's title.
    response = client.post(url("copy", template.pk), {"title": template.title})
    used = Survey.objects.latest("pk")
    assert response["Location"] == url("build", used.pk)
    assert (used.is_template, used.title, used.published_at) == (False, template.title, None)
    assert texts(used) == texts(draft)

    response = client.post(url("copy", draft.pk), {"title": "第二版"})
    second = Survey.objects.latest("pk")
    assert (second.title, second.is_template, second.copied_from) == ("第二版", False, draft)


# --- Who may -------------------------------------------------------------------------------


def _posts(survey: Survey) -> list[tuple[str, dict]]:
    question = survey.questions.get()
    section = survey.sections.get()
    prefix = f"s{section.pk}"
    return [
        (url("section_add", survey.pk), {"title": "新部分"}),
        (
            url("question_add", survey.pk, section.pk),
            {f"{prefix}-kind": "short_text", f"{prefix}-text": "新问题"},
        ),
        (url("question_move", survey.pk, question.pk), {"by": "1"}),
        (url("question_delete", survey.pk, question.pk), {}),
        (url("question_options", survey.pk, question.pk), {"labels": "甲\n乙"}),
        (url("publish", survey.pk), {"opens_at": "", "closes_at": ""}),
        (url("close", survey.pk), {}),
        (url("copy", survey.pk), {"title": "偷来的"}),
    ]


@pytest.mark.parametrize("who", ["staff", "leader", "other_director"])
def test_others_get_404_and_change_nothing(request, draft, as_user, who):
    client = as_user(request.getfixturevalue(who))
    before = snapshot()
    for page in ("build", "preview"):
        assert client.get(url(page, draft.pk)).status_code == 404
    if who != "other_director":  # who builds for their own office
        assert client.get(url("create")).status_code == 404
        assert (
            client.post(url("create"), {"title": "问卷", "audience": "public"}).status_code == 404
        )
    for target, data in _posts(draft):
        assert client.post(target, data).status_code == 404, target
    assert snapshot() == before


def test_the_list_is_for_managers_and_result_viewers(draft, as_user, staff, leader, director):
    assert as_user(staff).get(url("list")).status_code == 404
    html = as_user(leader).get(url("list")).content.decode()
    assert draft.title in html
    assert url("results", draft.pk) in html
    assert f'href="{url("build", draft.pk)}"' not in html
    assert f'href="{url("create")}"' not in html
    html = as_user(director).get(url("list")).content.decode()
    assert f'href="{url("build", draft.pk)}"' in html
    assert f'href="{url("create")}"' in html
    assert 'data-status="draft"' in html


def test_another_office_does_not_see_the_survey(draft, as_user, other_director):
    html = as_user(other_director).get(url("list")).content.decode()
    assert draft.title not in html


def test_the_nav_link_shows_to_the_office(as_user, staff, leader, director):
    link = f'href="{url("list")}"'
    assert link in as_user(director).get(reverse("home")).content.decode()
    assert link in as_user(leader).get(reverse("home")).content.decode()
    assert link not in as_user(staff).get(reverse("home")).content.decode()


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    before = snapshot()
    for target in (url("list"), url("create"), url("build", draft.pk), url("preview", draft.pk)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for target, data in _posts(draft):
        assert client.post(target, data).status_code == 302
    assert snapshot() == before


def test_the_preview_frames_the_answering_page(draft, director, as_user):
    html = as_user(director).get(url("preview", draft.pk)).content.decode()
    assert 'class="phone-frame"' in html
    assert "<iframe" in html
    assert f"{draft.public_key}/?preview=1" in html


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "single", "text": "选一个", "options": ["甲"]}, "at least two options"),
        ({"kind": "single", "text": "选一个", "options": ["甲", "甲"]}, "the same text"),
        ({"kind": "matrix", "text": "矩阵", "options": ["好", "差"]}, "at least one row"),
        (
            {"kind": "multiple", "text": "多选", "options": ["甲", "乙"], "max_choices": "3"},
            "The most choices allowed",
        ),
        ({"kind": "rating", "text": "评分", "scale_min": "5", "scale_max": "5"}, "rating scale"),
        ({"kind": "long_text", "text": "意见", "max_length": "99999"}, "character limit"),
        ({"kind": "short_text", "text": ""}, "Check the fields"),
    ],
)
def test_a_refused_question_is_shown_and_nothing_is_saved(
    draft, director, as_user, fields, message
):
    client = as_user(director)
    before = snapshot()
    response = add_question(client, draft, draft.sections.get(), **fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert '<details class="add-question" open>' in html
    assert fields["text"] in html or not fields["text"]  # what was typed comes back
    assert snapshot() == before


def test_bad_dates_options_and_an_empty_survey_are_refused(office, draft, director, as_user):
    client = as_user(director)
    before = snapshot()
    response = client.post(
        url("publish", draft.pk), {"opens_at": "2030-06-30T09:00", "closes_at": "2030-06-20T09:00"}
    )
    assert response.status_code == 200
    assert "The questionnaire must close after it opens." in response.content.decode()
    assert 'value="2030-06-30T09:00"' in response.content.decode()
    response = client.post(url("publish", draft.pk), {"opens_at": "tomorrow", "closes_at": ""})
    assert response.status_code == 200
    choice = draft.questions.get()
    response = client.post(url("question_options", draft.pk, choice.pk), {"labels": "只有一个"})
    assert (
        "A choice needs at least two options."
        in client.get(url("build", draft.pk)).content.decode()
    )
    assert response.status_code == 302
    assert snapshot() == before

    empty = survey_create(actor=director, office=office, title="空问卷")
    response = client.post(url("publish", empty.pk), {"opens_at": "", "closes_at": ""})
    assert "Add at least one question first." in response.content.decode()
    empty.refresh_from_db()
    assert empty.published_at is None

    response = client.post(url("create"), {"title": "  ", "audience": "public"})
    assert response.status_code == 200
    assert Survey.objects.count() == 2


def test_a_survey_with_answers_is_frozen(draft, director, as_user):
    survey_publish(actor=director, survey=draft)
    choice = draft.questions.get()
    response_submit(
        survey=draft,
        actor=None,
        data={f"q{choice.pk}": [str(choice.options.first().pk)]},
        device_token=device_token_new(),
    )
    client = as_user(director)
    html = client.get(url("build", draft.pk)).content.decode()
    assert 'id="frozen"' in html
    assert "Frozen — copy to edit." in html
    section = draft.sections.get()
    for action in ("/questions/add/", "/move/", "/delete/", "/options/"):
        assert action not in html  # adding, moving, deleting, editing options
    assert "/wording/" in html  # fixing a typo stays possible
    assert url("section_add", draft.pk) not in html

    before = snapshot()
    response = add_question(client, draft, section, kind="short_text", text="新问题")
    assert response.status_code == 302
    assert snapshot() == before
    html = client.get(url("build", draft.pk)).content.decode()
    assert "already has answers" in html
    for target, data in _posts(draft)[:5]:
        if "publish" not in target:
            client.post(target, data)
    assert snapshot() == before

    # Copy to edit: a new draft that can change.
    response = client.post(url("copy", draft.pk))
    copy = Survey.objects.latest("pk")
    assert response["Location"] == url("build", copy.pk)
    assert 'id="frozen"' not in client.get(url("build", copy.pk)).content.decode()


# --- Query counts --------------------------------------------------------------------------


def _count(client, target: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries)


def test_the_list_keeps_its_query_count(office, director, as_user, django_assert_max_num_queries):
    client = as_user(director)
    campaign = Campaign.objects.create(office=office, title="活动")
    survey_create(actor=director, office=office, title="问卷0", campaign=campaign)
    survey_create(actor=director, office=office, title="模板0", is_template=True)
    one = _count(client, url("list"))
    for number in range(1, 15):
        survey = survey_create(
            actor=director, office=office, title=f"问卷{number}", campaign=campaign
        )
        question_add(actor=director, section=survey.sections.get(), kind="short_text", text="?")
        if number % 2:
            survey_publish(actor=director, survey=survey)
        survey_create(actor=director, office=office, title=f"模板{number}", is_template=True)
    assert _count(client, url("list")) == one
    with django_assert_max_num_queries(12):
        client.get(url("list"))


def test_the_builder_keeps_its_query_count(draft, director, as_user, django_assert_max_num_queries):
    client = as_user(director)
    few = _count(client, url("build", draft.pk))
    section = draft.sections.get()
    choice = draft.questions.get()
    for number in range(12):
        kind = [QuestionKind.SINGLE, QuestionKind.MATRIX, QuestionKind.SHORT_TEXT][number % 3]
        question_add(
            actor=director,
            section=section,
            kind=kind,
            text=f"问题{number}",
            options=["甲", "乙", "丙"] if kind != QuestionKind.SHORT_TEXT else [],
            rows=["一", "二"] if kind == QuestionKind.MATRIX else [],
            show_if=choice.options.first() if number % 2 else None,
        )
    section_add(actor=director, survey=draft, title="第二部分")
    assert _count(client, url("build", draft.pk)) == few
    with django_assert_max_num_queries(12):
        client.get(url("build", draft.pk))


def test_the_wording_is_edited_from_the_build_page_by_the_office_only(
    client, hall_survey, director, staff
):
    from django.urls import reverse

    survey, q = hall_survey
    target = reverse("surveys:question_wording", args=[survey.pk, q["name"].pk])
    client.force_login(staff)
    assert client.post(target, {"text": "改掉"}).status_code == 404
    client.force_login(director)
    assert target in client.get(reverse("surveys:build", args=[survey.pk])).content.decode()
    response = client.post(target, {"text": "您所在的单位", "help_text": ""})
    assert response.status_code == 302
    q["name"].refresh_from_db()
    assert q["name"].text == "您所在的单位"
    client.post(target, {"text": ""})  # refused: nothing changes
    q["name"].refresh_from_db()
    assert q["name"].text == "您所在的单位"
