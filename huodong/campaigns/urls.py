from django.urls import path

from huodong.campaigns import export_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("export.xlsx", views.campaign_list_export, name="list_export"),
    path("import/", views.plan_import, name="import"),
    path("drafts/<int:draft_id>/", views.plan_draft_review, name="draft_review"),
    path("<int:campaign_id>/", views.campaign_home, name="home"),
    path("<int:campaign_id>/schedule/", views.campaign_schedule, name="schedule"),
    path(
        "<int:campaign_id>/schedule/export.xlsx",
        views.schedule_list_export,
        name="schedule_list_export",
    ),
    path("<int:campaign_id>/copy/", views.campaign_copy_view, name="copy"),
    path("<int:campaign_id>/reimport/", views.campaign_reimport, name="reimport"),
    path("<int:campaign_id>/export/schedule.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("<int:campaign_id>/export/plan.docx", export_views.export_docx, name="export_docx"),
    path("<int:campaign_id>/export/plan.json", export_views.export_json, name="export_json"),
    path("<int:campaign_id>/tasks/<int:seq>/", views.task_detail, name="task"),
    path("<int:campaign_id>/tasks/<int:seq>/complete/", views.task_complete, name="task_complete"),
    path("<int:campaign_id>/tasks/<int:seq>/reopen/", views.task_reopen_view, name="task_reopen"),
]
