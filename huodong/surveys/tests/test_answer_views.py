"""The answering page, its thank-you page and the poster, through the views: what each visitor
sees, what is saved, and what is refused (with nothing saved)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from huodong.core import clock
from huodong.orgs.models import Role
from huodong.surveys.models import Answer, Audience, QuestionKind, Response, Survey
from huodong.surveys.services import (
    question_add,
    section_add,
    survey_close,
    survey_copy,
    survey_create,
    survey_publish,
)
from huodong.surveys.views.answering import DEVICE_COOKIE, HONEYPOT

from .test_answering import full_answer, opt

pytestmark = pytest.mark.django_db


def answer_url(survey: Survey, **query: str) -> str:
    url = reverse("surveys_public:answer", args=[survey.public_key])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def thanks_url(survey: Survey) -> str:
    return reverse("surveys_public:thanks", args=[survey.public_key])


def poster_url(survey: Survey) -> str:
    return reverse("surveys:poster", args=[survey.pk])


def zh(message: str) -> str:
    """A service message as the page shows it (the default language)."""
    with translation.override("zh-hans"):
        return gettext(message)


def opened(client, survey: Survey):
    """A visit that receives the device cookie, as a phone does before answering."""
    response = client.get(answer_url(survey))
    assert response.status_code == 200
    return response


def has_form(response) -> bool:
    return 'class="survey-form"' in response.content.decode()


# --- The page ------------------------------------------------------------------------------


def test_the_page_sets_the_device_cookie_once_and_shows_every_question_type(client, hall_survey):
    survey, q = hall_survey
    response = opened(client, survey)
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie.value
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/s/"
    assert int(cookie["max-age"]) >= 365 * 24 * 60 * 60
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    services, matrix, rank = q["services"], q["matrix"], q["rank"]
    # Single and multiple choice, "other" with its text, at most N.
    assert f'type="radio" name="q{q["satisfied"].pk}" value="{opt(q["satisfied"], "满意")}"' in html
    assert f'type="checkbox" name="q{services.pk}" value="other"' in html
    assert f'name="q{services.pk}_other"' in html
    assert 'data-kind="multiple"' in html
    # Texts with their limits: the short one at the service's cap, the long one its own.
    assert f'name="q{q["name"].pk}" value="" maxlength="200"' in html
    assert f'<textarea class="q-input" id="q{q["reason"].pk}-input"' in html
    assert 'maxlength="50"' in html
    # Rating points, a matrix row's radios, a ranking's places.
    for point in range(1, 6):
        assert f'name="q{q["score"].pk}" value="{point}"' in html
    assert f'name="q{matrix.pk}_r1" value="{opt(matrix, "差")}"' in html
    assert f'<select name="q{rank.pk}_o{opt(rank, "便利")}">' in html
    assert '<option value="3">3</option>' in html
    # The conditional question says when it applies, without any script.
    unhappy = opt(q["satisfied"], "不满意")
    assert f'data-show-if="{unhappy}" data-show-if-name="q{q["satisfied"].pk}"' in html
    assert "不满意" in html.split(f'id="q{q["reason"].pk}"')[1].split("</p>")[0]
    assert 'class="q-required"' in html
    assert f'name="{HONEYPOT}"' in html
    # A second visit keeps the cookie it has.
    again = client.get(answer_url(survey))
    assert DEVICE_COOKIE not in again.cookies


def test_every_question_type_posted_through_the_page_is_saved(client, hall_survey):
    survey, q = hall_survey
    opened(client, survey)
    response = client.post(answer_url(survey), full_answer(q), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response["Location"] == thanks_url(survey)
    saved = Response.objects.get()
    assert saved.person is None
    assert saved.device_hash and saved.address_hash
    assert saved.address_hash != "10.1.2.3"
    kinds = set(saved.answers.values_list("question__kind", flat=True))
    assert kinds == {
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.SHORT_TEXT,
        QuestionKind.RATING,
        QuestionKind.MATRIX,
        QuestionKind.RANKING,
    }
    assert saved.answers.get(is_other=True).text == "出入境"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert f'data-survey-done="{survey.public_key}"' in thanks.content.decode()
    # Back on the page: answered, no form.
    back = client.get(answer_url(survey))
    assert back.status_code == 200
    assert not has_form(back)
    assert zh("You have already answered this questionnaire; thank you.") in back.content.decode()


def test_the_conditional_question_answered_through_the_page(client, hall_survey):
    survey, q = hall_survey
    opened(client, survey)
    data = {
        f"q{q['satisfied'].pk}": [opt(q["satisfied"], "不满意")],
        f"q{q['reason'].pk}": ["排队太久"],
    }
    assert client.post(answer_url(survey), data).status_code == 302
    assert Answer.objects.get(question=q["reason"]).text == "排队太久"


def test_a_missing_answer_comes_back_with_its_message_and_the_answers_kept(client, hall_survey):
    survey, q = hall_survey
    opened(client, survey)
    data = full_answer(q)
    del data[f"q{q['satisfied'].pk}"]
    response = client.post(answer_url(survey), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'href="#q{q["satisfied"].pk}"' in html  # the summary links to the question
    assert f'<p class="q-error" id="q{q["satisfied"].pk}-error">' in html
    assert zh("This question must be answered.") in html
    # What was answered is still there, and the phone does not overwrite it from storage.
    assert 'value="出入境"' in html
    assert f'value="{opt(q["services"], "社保")}" checked' in html
    assert f'name="q{q["score"].pk}" value="4" checked' in html
    assert f'name="q{q["matrix"].pk}_r1" value="{opt(q["matrix"], "一般")}" checked' in html
    assert '<option value="2" selected>2</option>' in html
    assert 'value="  某某公司 "' in html
    assert "data-restore" not in html
    assert not Response.objects.exists()
    survey.refresh_from_db()
    assert survey.response_count == 0


def test_a_double_submit_from_one_phone_is_refused(client, hall_survey):
    survey, q = hall_survey
    opened(client, survey)
    assert client.post(answer_url(survey), full_answer(q)).status_code == 302
    again = client.post(answer_url(survey), full_answer(q))
    assert again.status_code == 409
    assert not has_form(again)
    assert zh("You have already answered this questionnaire; thank you.") in again.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.parametrize("cookie", [None, "", "forged", "x:y:z"])
def test_a_missing_or_forged_device_cookie_is_refused(client, hall_survey, cookie):
    survey, q = hall_survey
    if cookie is not None:
        client.cookies[DEVICE_COOKIE] = cookie
    response = client.post(answer_url(survey), full_answer(q))
    assert response.status_code == 400
    assert has_form(response)  # answers kept, to send again
    assert 'value="出入境"' in response.content.decode()
    assert not Response.objects.exists()
    # A fresh cookie comes with the refusal, so sending again works.
    fresh = response.cookies[DEVICE_COOKIE].value
    assert fresh and fresh != cookie
    assert client.post(answer_url(survey), full_answer(q)).status_code == 302
    assert Response.objects.count() == 1


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_saved(client, hall_survey):
    survey, q = hall_survey
    opened(client, survey)
    response = client.post(answer_url(survey), {**full_answer(q), HONEYPOT: "http://spam"})
    assert response.status_code == 302
    assert response["Location"] == thanks_url(survey)
    assert not Response.objects.exists()
    survey.refresh_from_db()
    assert survey.response_count == 0


def test_a_closed_survey_shows_no_form_and_takes_no_answers(client, hall_survey, director):
    survey, q = hall_survey
    opened(client, survey)
    survey_close(actor=director, survey=survey)
    response = client.get(answer_url(survey))
    assert response.status_code == 200
    assert not has_form(response)
    assert "survey-state" in response.content.decode()
    posted = client.post(answer_url(survey), full_answer(q))
    assert posted.status_code == 400
    assert not has_form(posted)
    assert not Response.objects.exists()


def test_a_survey_not_yet_open_says_when_it_opens(client, hall_survey):
    survey, _q = hall_survey
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=clock.now() + dt.timedelta(days=2), closes_at=None
    )
    response = client.get(answer_url(survey))
    assert response.status_code == 200
    assert not has_form(response)
    assert 'role="status"' in response.content.decode()


def test_a_wrong_key_a_draft_and_a_template_are_not_found(client, hall_survey, office, director):
    survey, _q = hall_survey
    assert client.get(reverse("surveys_public:answer", args=["no-such-key"])).status_code == 404
    draft = survey_copy(actor=director, survey=survey)
    template = survey_copy(actor=director, survey=survey, as_template=True)
    for hidden in (draft, template):
        assert client.get(answer_url(hidden)).status_code == 404
        assert client.post(answer_url(hidden), {}).status_code == 404
        assert client.get(thanks_url(hidden)).status_code == 404
    assert not Response.objects.exists()


def test_the_office_previews_a_draft_and_nobody_else_does(
    client, hall_survey, director, staff, other_office, make_member
):
    survey, _q = hall_survey
    draft = survey_copy(actor=director, survey=survey)
    other_director = make_member(other_office, role=Role.OFFICE_DIRECTOR)
    assert client.get(answer_url(draft, preview="1")).status_code == 404  # anonymous
    for outsider in (staff, other_director):
        client.force_login(outsider)
        assert client.get(answer_url(draft, preview="1")).status_code == 404
    client.force_login(director)
    response = client.get(answer_url(draft, preview="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="survey-preview"' in html
    assert has_form(response)
    assert 'type="submit"' not in html.split('class="survey-form"')[1]
    assert 'method="post"' not in html.split('class="survey-form"')[1].split(">")[0]
    assert DEVICE_COOKIE not in response.cookies
    # The builder frames the preview; the real page may not be framed by anyone.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get(answer_url(survey))["X-Frame-Options"] == "DENY"
    # Without ?preview=1 the draft stays unpublished, for the office too.
    assert client.get(answer_url(draft)).status_code == 404


def test_the_page_reads_the_survey_in_a_fixed_number_of_queries(client, hall_survey, director):
    survey, _q = hall_survey
    opened(client, survey)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(answer_url(survey)).status_code == 200
        return len(queries)

    few = count()
    section = section_add(actor=director, survey=survey, title="第二部分")
    for number in range(6):
        question_add(
            actor=director,
            section=section,
            kind=QuestionKind.MULTIPLE,
            text=f"新问题{number}",
            options=[f"选项{n}" for n in range(8)],
        )
        question_add(
            actor=director,
            section=section,
            kind=QuestionKind.MATRIX,
            text=f"矩阵{number}",
            options=["好", "差"],
            rows=["甲", "乙", "丙"],
        )
    assert count() == few
    assert few <= 6


# --- Staff surveys -------------------------------------------------------------------------


@pytest.fixture
def staff_survey(office, director):
    survey = survey_create(
        actor=director, office=office, title="干部作风问卷", audience=Audience.STAFF
    )
    question = question_add(
        actor=director,
        section=survey.sections.get(),
        kind=QuestionKind.RATING,
        text="作风评分",
        required=True,
        scale_labels=("很差", "很好"),
    )
    survey_publish(actor=director, survey=survey)
    return survey, question


def test_a_staff_survey_asks_to_sign_in(client, staff_survey):
    survey, question = staff_survey
    url = answer_url(survey)
    for response in (client.get(url), client.post(url, {f"q{question.pk}": ["5"]})):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert not Response.objects.exists()


def test_a_member_answers_a_staff_survey_once(client, staff_survey, staff):
    survey, question = staff_survey
    client.force_login(staff)
    page = client.get(answer_url(survey))
    assert page.status_code == 200
    assert DEVICE_COOKIE not in page.cookies
    html = page.content.decode()
    assert "很差" in html and "很好" in html
    assert client.post(answer_url(survey), {f"q{question.pk}": ["5"]}).status_code == 302
    saved = Response.objects.get()
    assert saved.person.user == staff
    assert saved.device_hash == "" and saved.address_hash == ""
    assert not has_form(client.get(answer_url(survey)))
    assert client.post(answer_url(survey), {f"q{question.pk}": ["4"]}).status_code == 409
    assert Response.objects.count() == 1


def test_another_offices_member_does_not_find_a_staff_survey(
    client, staff_survey, other_office, make_member
):
    survey, question = staff_survey
    client.force_login(make_member(other_office))
    assert client.get(answer_url(survey)).status_code == 404
    assert client.post(answer_url(survey), {f"q{question.pk}": ["5"]}).status_code == 404
    assert not Response.objects.exists()


# --- The poster ----------------------------------------------------------------------------


def test_the_poster_carries_the_link_as_a_qr_code(client, hall_survey, director, settings):
    survey, _q = hall_survey
    settings.HUODONG_BASE_URL = "https://huodong.example.cn"
    client.force_login(director)
    response = client.get(poster_url(survey))
    assert response.status_code == 200
    html = response.content.decode()
    link = f"https://huodong.example.cn/s/{survey.public_key}/"
    assert link in html
    assert "<svg" in html and 'class="poster-qr"' in html
    assert survey.title in html and survey.office.name in html
    # With the loopback default, the link is the address the poster was opened at.
    settings.HUODONG_BASE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "10.0.0.5"]
    html = client.get(poster_url(survey), HTTP_HOST="10.0.0.5:8000").content.decode()
    assert f"http://10.0.0.5:8000/s/{survey.public_key}/" in html


def test_the_poster_shows_the_dates(client, hall_survey, director):
    survey, _q = hall_survey
    opens = clock.now() + dt.timedelta(days=1)
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=opens, closes_at=opens + dt.timedelta(days=30)
    )
    client.force_login(director)
    html = client.get(poster_url(survey)).content.decode()
    survey.refresh_from_db()
    assert timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M") in html
    assert timezone.localtime(survey.opens_at).strftime("%Y-%m-%d %H:%M") in html


def test_the_poster_is_for_the_office_only(
    client, hall_survey, director, staff, other_office, make_member
):
    survey, _q = hall_survey
    template = survey_copy(actor=director, survey=survey, as_template=True)
    client.force_login(director)
    assert client.get(poster_url(template)).status_code == 404  # a template is not answered
    client.logout()
    response = client.get(poster_url(survey))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(staff)
    assert client.get(poster_url(survey)).status_code == 404
    client.force_login(make_member(other_office, role=Role.OFFICE_DIRECTOR))
    assert client.get(poster_url(survey)).status_code == 404
    assert client.get(reverse("surveys:poster", args=[999_999])).status_code == 404
