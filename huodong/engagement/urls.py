"""/engagement/: meetings, enterprise problems and online activities of a campaign."""

from django.urls import path

from huodong.engagement.views import meetings, online, problems

app_name = "engagement"

urlpatterns = [
    # Meetings
    path("campaign/<int:campaign_id>/meetings/", meetings.meetings, name="meetings"),
    path(
        "campaign/<int:campaign_id>/meetings/export.xlsx",
        meetings.meetings_export,
        name="meetings_export",
    ),
    path(
        "campaign/<int:campaign_id>/meetings/new/", meetings.meeting_create, name="meeting_create"
    ),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/invite/", meetings.meeting_invite, name="meeting_invite"),
    path("meetings/<int:meeting_id>/guests/", meetings.meeting_guest_add, name="meeting_guest"),
    path("meetings/<int:meeting_id>/register/", meetings.meeting_register, name="meeting_register"),
    path("meetings/<int:meeting_id>/sign-in/", meetings.meeting_sign_in, name="meeting_sign_in"),
    path("meetings/<int:meeting_id>/screen/", meetings.meeting_screen, name="meeting_screen"),
    path("meetings/<int:meeting_id>/code/", meetings.meeting_code, name="meeting_code"),
    path("meetings/<int:meeting_id>/attendance/", meetings.meeting_mark, name="meeting_mark"),
    path(
        "meetings/<int:meeting_id>/headcount/",
        meetings.meeting_headcount,
        name="meeting_headcount",
    ),
    path("meetings/<int:meeting_id>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/files/", meetings.meeting_file_add, name="meeting_file_add"),
    path("meetings/files/<int:file_id>/", meetings.meeting_file, name="meeting_file"),
    path(
        "meetings/files/<int:file_id>/delete/",
        meetings.meeting_file_delete,
        name="meeting_file_delete",
    ),
    path("meetings/<int:meeting_id>/opinions/", meetings.meeting_opinion, name="meeting_opinion"),
    path(
        "meetings/<int:meeting_id>/attendees.xlsx", meetings.meeting_export, name="meeting_export"
    ),
    path(
        "meetings/<int:meeting_id>/enterprises/",
        meetings.visit_enterprise_add,
        name="visit_enterprise_add",
    ),
    path(
        "meetings/<int:meeting_id>/problems/", meetings.visit_problem_add, name="visit_problem_add"
    ),
    # Enterprise problems
    path("campaign/<int:campaign_id>/problems/", problems.problems, name="problems"),
    path(
        "campaign/<int:campaign_id>/problems/export.xlsx",
        problems.problems_export,
        name="problems_export",
    ),
    path("problems/<int:problem_id>/", problems.problem_detail, name="problem"),
    path("problems/<int:problem_id>/assign/", problems.problem_assign, name="problem_assign"),
    path("problems/<int:problem_id>/reply/", problems.problem_reply, name="problem_reply"),
    path("problems/<int:problem_id>/resolve/", problems.problem_resolve, name="problem_resolve"),
    path("problems/<int:problem_id>/reopen/", problems.problem_reopen, name="problem_reopen"),
    # Online activities
    path("campaign/<int:campaign_id>/online/", online.activities, name="activities"),
    path(
        "campaign/<int:campaign_id>/online/export.xlsx",
        online.activities_export,
        name="activities_export",
    ),
    path("campaign/<int:campaign_id>/online/new/", online.activity_create, name="activity_create"),
    path("online/<int:activity_id>/", online.activity_detail, name="activity"),
    path("online/<int:activity_id>/edit/", online.activity_edit, name="activity_edit"),
    path(
        "online/<int:activity_id>/participations.xlsx",
        online.participations_export,
        name="participations_export",
    ),
    path(
        "online/participations/<int:participation_id>/screenshot/",
        online.participation_screenshot,
        name="participation_screenshot",
    ),
    path(
        "online/participations/<int:participation_id>/delete/",
        online.participation_delete,
        name="participation_delete",
    ),
    path(
        "online/participations/<int:participation_id>/to-pool/",
        online.participation_to_pool,
        name="participation_to_pool",
    ),
]
