"""The leading group's dashboard: who sees it, what it links to, its figures and its queries."""

from __future__ import annotations

import re
from dataclasses import fields
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from huodong.campaigns.models import LeadingGroupMember, SubTheme
from huodong.orgs.models import Role, UnitKind
from huodong.reports.figures import CampaignFigures, campaign_figures, figure_text
from huodong.reports.tests.test_figures import TODAY, build_small
from huodong.testing.factories import UnitFactory


@pytest.fixture
def small(office, make_member, settings):
    settings.HUODONG_TODAY = TODAY.isoformat()
    return build_small(office, make_member)


def url_of(campaign) -> str:
    return reverse("reports:dashboard", args=[campaign.pk])


class _Page(HTMLParser):
    """The data-figure elements (name -> text) and every link of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, list[str]] = {}
        self.links: list[str] = []
        self._open: list[tuple[str, str | None]] = []  # (tag, figure name)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        name = attributes.get("data-figure")
        if name:
            self.figures.setdefault(name, []).append("")
        if tag not in ("br", "img", "input", "meta", "link", "rect", "circle", "path", "line"):
            self._open.append((tag, name))

    def handle_endtag(self, tag):
        while self._open:
            opened, _name = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for _tag, name in self._open:
            if name:
                self.figures[name][-1] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


# --- Who -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF, Role.ADMIN, Role.LEADER, Role.INSPECTOR],
)
def test_office_wide_roles_see_it(small, make_member, client, role):
    client.force_login(make_member(small.office, role=role))
    response = client.get(url_of(small.campaign))
    assert response.status_code == 200
    assert "data-figure" in response.content.decode()


def test_leading_group_member_and_lead_leader_see_it(small, make_member, client):
    member = make_member(small.office, name="组员")
    LeadingGroupMember.objects.create(
        campaign=small.campaign, role="member", person=member.person, name="组员"
    )
    client.force_login(member)
    assert client.get(url_of(small.campaign)).status_code == 200
    leader = make_member(small.office, name="牵头领导")
    SubTheme.objects.create(campaign=small.campaign, name="改革再发力", lead_leader=leader.person)
    client.force_login(leader)
    assert client.get(url_of(small.campaign)).status_code == 200


@pytest.mark.parametrize("role", [None, Role.UNIT_HEAD, Role.UNIT_CONTACT, Role.BRANCH_SECRETARY])
def test_others_in_the_office_get_404(small, make_member, client, role):
    unit = small.units["zonghe"]
    if role == Role.BRANCH_SECRETARY:
        unit = small.units["branch"]
    client.force_login(make_member(small.office, role=role, unit=unit, role_unit=unit))
    assert client.get(url_of(small.campaign)).status_code == 404


def test_another_office_gets_404(small, other_office, make_member, client):
    client.force_login(make_member(other_office, role=Role.OFFICE_DIRECTOR))
    assert client.get(url_of(small.campaign)).status_code == 404


def test_missing_campaign_is_404(small, client):
    client.force_login(small.director)
    assert (
        client.get(reverse("reports:dashboard", args=[small.campaign.pk + 999])).status_code == 404
    )


def test_anonymous_is_sent_to_log_in(small, client):
    response = client.get(url_of(small.campaign))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_post_is_refused(small, client):
    client.force_login(small.director)
    assert client.post(url_of(small.campaign)).status_code == 405


# --- What ------------------------------------------------------------------------------------


def test_every_figure_once_with_the_figures_text(small, client):
    client.force_login(small.director)
    html = client.get(url_of(small.campaign)).content.decode()
    page = parse(html)
    figures = campaign_figures(campaign=small.campaign)
    names = [f.name for f in fields(CampaignFigures)]
    assert sorted(page.figures) == sorted(names)
    for name in names:
        assert page.figures[name] == [figure_text(figures, name)], name
    assert page.figures["on_time_rate"] == ["50.0%"]
    assert page.figures["outcomes_average_progress"] == ["63%"]
    assert page.figures["meeting_attendance"] == ["42"]


def test_links_resolve_for_the_office(small, client):
    client.force_login(small.director)
    page = parse(client.get(url_of(small.campaign)).content.decode())
    internal = sorted({link for link in page.links if link.startswith("/")})
    # The figures' links and the charts' bars: lights, phases, units, requirements, surveys,
    # outcomes, channels.
    assert any("light=overdue" in link for link in internal)
    assert any("stage=valuable" in link for link in internal)
    assert any(
        link.startswith("/outcomes/") and link.rstrip("/").split("/")[-1].isdigit()
        for link in internal
    )
    assert any("/results/" in link for link in internal)
    assert any("/compliance/" in link for link in internal)
    assert any("channel=wechat" in link for link in internal)
    for link in internal:
        assert client.get(link).status_code == 200, link


def test_svg_charts_without_script(small, client):
    client.force_login(small.director)
    html = client.get(url_of(small.campaign)).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) >= 8
    for svg in svgs:
        assert "<script" not in svg.lower()
        assert "<title" in svg and 'role="img"' in svg
        assert "javascript:" not in svg.lower() and " on" not in re.sub(r'"[^"]*"', "", svg)
    assert "<script" not in html.split('<main id="main"')[1].split("</main>")[0]


def test_names_are_escaped_in_charts(small, client):
    from huodong.surveys.models import Survey

    Survey.objects.filter(campaign=small.campaign, title="满意度调查").update(
        title='<script>alert(1)</script>"'
    )
    client.force_login(small.director)
    html = client.get(url_of(small.campaign)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_sections_show_the_records(small, client):
    client.force_login(small.director)
    html = client.get(url_of(small.campaign)).content.decode()
    for text in ("宣传发动", "学习讨论", "综合处", "满意度调查", "政策意见", "具体方案"):
        assert text in html, text
    assert 'href="/static/reports/dashboard.css"' in html or "reports/dashboard" in html
    assert "@media print" in open_css()


def open_css() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parent.parent / "static/reports/dashboard.css").read_text()


def test_compliance_per_unit(small):
    from huodong.core import clock
    from huodong.reports.dashboard import compliance_matrix

    matrix = compliance_matrix(small.campaign, today=TODAY, now=clock.now())
    studies, problems = (
        small.requirements["studies"].pk,
        small.requirements["problems"].pk,
    )
    by_unit = {row.unit_id: row for row in matrix.rows}
    # 综合处: 甲 studied 3 times (≥2), 乙 once; 业务处: 丙 once (a record after today counts in
    # the tally of the whole campaign, as on the compliance page); the window's 丁 none.
    zonghe = by_unit[small.units["zonghe"].pk].cells[studies]
    assert (zonghe.targets, zonghe.met) == (2, 1)
    assert by_unit[small.units["window"].pk].cells[studies].met == 0
    # The branch found 4 problems (≥2): met.
    branch = by_unit[small.units["branch"].pk].cells[problems]
    assert (branch.targets, branch.met) == (1, 1)
    columns = {col.requirement.pk: col for col in matrix.columns}
    assert columns[problems].met == 1 and columns[problems].targets == 1


def test_compliance_matches_the_overview_page(small):
    from huodong.core import clock
    from huodong.participation.selectors.compliance import compliance_overview
    from huodong.reports.dashboard import compliance_matrix

    now = clock.now()
    matrix = compliance_matrix(small.campaign, today=TODAY, now=now)
    overview = compliance_overview(small.campaign, today=TODAY, now=now, scope=None)
    for column, row in zip(matrix.columns, overview, strict=True):
        assert column.requirement.pk == row.requirement.pk
        assert (column.targets, column.met) == (row.summary.targets, row.summary.met)


def test_weekly_trends(small):
    from huodong.reports.dashboard import weekly_trends

    trends = weekly_trends(small.campaign, today=TODAY)
    assert trends.weeks[0].label == "2018-W18"  # 1 May 2018 is a Tuesday of week 18
    assert trends.weeks[-1].label == "2018-W25"
    assert sum(trends.series["studies"]) == 4
    assert sum(trends.series["reflections"]) == 2
    assert sum(trends.series["suggestions"]) == 6
    assert sum(trends.series["tasks"]) == 4


def test_phases(small):
    from huodong.reports.dashboard import phase_progress

    rows = {row.phase.name: row for row in phase_progress(small.campaign, today=TODAY)}
    assert (rows["宣传发动"].done, rows["宣传发动"].total, rows["宣传发动"].share) == (2, 2, 100)
    assert (rows["学习讨论"].done, rows["学习讨论"].total) == (2, 4)
    assert rows["学习讨论"].current and not rows["实践转化"].current


def test_phone_and_print(small, client):
    client.force_login(small.director)
    html = client.get(url_of(small.campaign)).content.decode()
    assert 'class="table-scroll"' in html
    css = open_css()
    assert "@page { size: A4" in css and ".mainnav" in css


# --- Queries ---------------------------------------------------------------------------------


def _queries(client, campaign) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url_of(campaign)).status_code == 200
    return len(captured)


def test_constant_queries(
    office, other_office, make_member, client, settings, django_assert_max_num_queries
):
    settings.HUODONG_TODAY = TODAY.isoformat()
    small = build_small(office, make_member)
    large = build_small(other_office, make_member, scale=6)
    for n in range(30):
        UnitFactory(office=other_office, kind=UnitKind.WINDOW if n % 2 else UnitKind.BRANCH)
    client.force_login(small.director)
    few = _queries(client, small.campaign)
    client.force_login(large.director)
    many = _queries(client, large.campaign)
    assert few == many
    with django_assert_max_num_queries(45):
        client.get(url_of(large.campaign))


# --- The demo office ---------------------------------------------------------------------------


def test_demo_campaign(demo, client):
    """The demo campaign at 2018-06-20: every data-figure is campaign_figures' value, and every
    link the dashboard shows opens for the office's director."""
    from huodong.campaigns.models import Campaign
    from huodong.orgs.models import User

    client.force_login(User.objects.get(username="zhongchonghao"))
    campaign = Campaign.objects.order_by("pk").first()
    response = client.get(url_of(campaign))
    assert response.status_code == 200
    page = parse(response.content.decode())
    figures = campaign_figures(campaign=campaign)
    for f in fields(CampaignFigures):
        assert page.figures[f.name] == [figure_text(figures, f.name)], f.name
    assert figures.tasks_total > 0 and figures.suggestions_received > 0
    for link in sorted({link for link in page.links if link.startswith("/")}):
        assert client.get(link).status_code == 200, link
