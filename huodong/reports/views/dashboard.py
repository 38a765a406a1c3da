"""The leading group's dashboard: where the campaign stands, on one printable page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huodong.campaigns.selectors import campaign_get
from huodong.core import clock
from huodong.orgs.permissions import membership_of
from huodong.reports import charts
from huodong.reports.dashboard_cache import dashboard_view
from huodong.reports.figures import CampaignFigures, figure_text, percent_text


def _url(name: str, *args: object, **query: object) -> str:
    url = reverse(name, args=args)
    params = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def figure_links(campaign_id: int) -> dict[str, str]:
    """Where each headline figure leads: the records behind it, or the nearest list of them."""
    c = campaign_id
    pool = {"campaign": c}
    return {
        "people": _url("participation:compliance", c),
        "units": _url("participation:compliance", c),
        "tasks_total": _url("campaigns:schedule", c),
        "tasks_done": _url("campaigns:schedule", c, light="done_on_time"),
        "tasks_done_on_time": _url("campaigns:schedule", c, light="done_on_time"),
        "tasks_overdue": _url("supervision:ledger", c),
        "tasks_due": _url("supervision:rates", c),
        "on_time_rate": _url("supervision:rates", c),
        "study_sessions_held": _url("participation:sessions", c),
        "study_records": _url("participation:compliance", c),
        "people_studied": _url("participation:compliance", c),
        "meetings_held": _url("engagement:meetings", c),
        "meeting_attendance": _url("engagement:meetings", c),
        "online_participations": _url("engagement:activities", c),
        "reflections_submitted": _url("participation:reflection_queue", c),
        "reflections_excellent": _url("participation:reflection_queue", c),
        "problems_found": _url("participation:problems", c),
        "problems_rectified": _url("participation:problems", c, status="rectified"),
        "enterprise_problems": _url("engagement:problems", c),
        "enterprise_problems_resolved": _url("engagement:problems", c, status="resolved"),
        "rectification_orders": _url("inspections:orders", c),
        "rectification_orders_closed": _url("inspections:orders", c),
        "surveys": _url("surveys:list"),
        "survey_responses": _url("surveys:list"),
        "suggestions_received": _url("suggestions:list", **pool),
        "suggestions_valuable": _url("suggestions:list", **pool, stage="valuable"),
        "suggestions_adopted": _url("suggestions:list", **pool, stage="adopted"),
        "suggestions_converted": _url("suggestions:list", **pool, stage="converted"),
        "outcomes_total": _url("outcomes:list", campaign=c),
        "outcomes_done": _url("outcomes:list", campaign=c, status="done"),
        "outcomes_average_progress": _url("outcomes:list", campaign=c),
        "articles_published": _url("publicity:list"),
        "publicity_placements": _url("publicity:log", c),
        "as_of": _url("campaigns:home", c),
    }


def _figures_text(figures: CampaignFigures) -> dict[str, str]:
    from dataclasses import fields

    return {f.name: figure_text(figures, f.name) for f in fields(figures)}


def _charts(context: dict, campaign_id: int) -> dict[str, object]:
    c = campaign_id
    figures: CampaignFigures = context["figures"]
    light_bars = [
        charts.Bar(
            label, count, str(count), _url("campaigns:schedule", c, light=light), f"light-{light}"
        )
        for light, label, count in context["lights"]
    ]
    phase_bars = [
        charts.Bar(
            row.phase.name,
            row.share,
            f"{row.share}% ({row.done}/{row.total})",
            _url("campaigns:schedule", c, phase=row.phase.pk),
        )
        for row in context["phases"]
    ]
    rate_bars = [
        charts.Bar(
            row.label,
            (row.rate or 0) * 100,
            row.percent,
            _url("supervision:ledger", c, unit=row.unit_id),
        )
        for row in context["unit_rates"].rows
    ]
    funnel_stages = [
        charts.Bar(
            _("Received"),
            figures.suggestions_received,
            str(figures.suggestions_received),
            context["links"]["suggestions_received"],
        ),
        charts.Bar(
            _("Valuable"),
            figures.suggestions_valuable,
            str(figures.suggestions_valuable),
            context["links"]["suggestions_valuable"],
        ),
        charts.Bar(
            _("Adopted"),
            figures.suggestions_adopted,
            str(figures.suggestions_adopted),
            context["links"]["suggestions_adopted"],
        ),
        charts.Bar(
            _("Converted to outcomes"),
            figures.suggestions_converted,
            str(figures.suggestions_converted),
            context["links"]["suggestions_converted"],
        ),
    ]
    requirement_bars = [
        charts.Bar(
            col.label,
            (col.share or 0) * 100,
            percent_text(col.share),
            _url("participation:requirement_compliance", c, col.requirement.pk),
        )
        for col in context["matrix"].columns
        if col.counted
    ]
    survey_bars = [
        charts.Bar(s.title, s.answers, str(s.answers), _url("surveys:results", s.pk))
        for s in context["surveys"]
    ]
    outcome_bars = [
        charts.Bar(
            o.title,
            float(o.progress),
            f"{o.progress:.0f}%",
            _url("outcomes:detail", o.pk),
        )
        for o in context["outcomes"]
    ]
    channel_bars = [
        charts.Bar(label, n, str(n), _url("publicity:log", c, channel=channel))
        for channel, label, n in context["channels"]
    ]
    trends = context["trends"]
    labels = [w.label for w in trends.weeks]
    weekly = {
        name: charts.columns(
            trends.series[name],
            labels,
            title=title,
            desc=", ".join(
                f"{label}: {value}"
                for label, value in zip(labels, trends.series[name], strict=False)
            ),
        )
        for name, title in (
            ("studies", _("Study records per week")),
            ("reflections", _("Reflections submitted per week")),
            ("suggestions", _("Suggestions received per week")),
            ("tasks", _("Tasks done per week")),
        )
    }
    return {
        "lights_chart": charts.stacked(light_bars, title=_("Tasks by light")),
        "phases_chart": charts.hbars(
            phase_bars, title=_("Share of each phase's tasks done"), maximum=100
        ),
        "rates_chart": charts.hbars(rate_bars, title=_("On-time rate per lead unit"), maximum=100)
        if rate_bars
        else None,
        "funnel_chart": charts.funnel(funnel_stages, title=_("Suggestions funnel")),
        "requirements_chart": charts.hbars(
            requirement_bars, title=_("Share met per requirement"), maximum=100
        )
        if requirement_bars
        else None,
        "surveys_chart": charts.hbars(survey_bars, title=_("Answers per questionnaire"))
        if survey_bars
        else None,
        "outcomes_chart": charts.hbars(
            outcome_bars, title=_("Progress of the top-level outcomes"), maximum=100
        )
        if outcome_bars
        else None,
        "channels_chart": charts.hbars(channel_bars, title=_("Placements per channel"))
        if channel_bars
        else None,
        "weekly_charts": weekly,
    }


@login_required
@require_GET
def campaign_dashboard(request: HttpRequest, campaign_id: int) -> HttpResponse:
    from huodong.reports.permissions import can_view_dashboard

    membership = membership_of(request.user)
    campaign = campaign_get(membership, campaign_id)
    if not can_view_dashboard(membership, campaign):
        raise Http404
    today = clock.today()
    view = dashboard_view(campaign, today=today, now=clock.now())
    data = view.data
    context: dict[str, object] = {
        "campaign": campaign,
        "today": today,
        "computed_at": view.computed_at,
        "counting_newer": not view.current,
        "figures": data.figures,
        "fig": _figures_text(data.figures),
        "links": figure_links(campaign.pk),
        "phases": data.phases,
        "lights": data.lights,
        "unit_rates": data.unit_rates,
        "matrix": data.matrix,
        "surveys": data.surveys,
        "outcomes": data.outcomes,
        "trends": data.trends,
        "channels": data.channels,
    }
    context.update(_charts(context, campaign.pk))
    return render(request, "reports/dashboard.html", context)
