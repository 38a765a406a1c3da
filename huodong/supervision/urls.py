from django.urls import path

from huodong.supervision import views

app_name = "supervision"
task = "<int:campaign_id>/tasks/<int:seq>/"
urlpatterns = [
    path(f"{task}receive/", views.task_receive, name="receive"),
    path(f"{task}submit/", views.task_submit, name="submit"),
    path(f"{task}accept/", views.task_accept, name="accept"),
    path(f"{task}return/", views.task_return, name="return"),
    path(f"{task}reopen/", views.task_reopen, name="reopen"),
    path(f"{task}reason/", views.overdue_reason, name="reason"),
    path(f"{task}reports/new/", views.report_new, name="report_new"),
    path("<int:campaign_id>/reports/<int:report_id>/", views.report_detail, name="report"),
    path(
        "<int:campaign_id>/reports/<int:report_id>/delete/",
        views.report_delete,
        name="report_delete",
    ),
    path(
        "<int:campaign_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:campaign_id>/files/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:campaign_id>/rates/", views.rates, name="rates"),
    path("<int:campaign_id>/rates.xlsx", views.rates_export, name="rates_xlsx"),
    path("<int:campaign_id>/ledger/", views.ledger, name="ledger"),
    path("<int:campaign_id>/ledger.xlsx", views.ledger_export, name="ledger_xlsx"),
]
