"""The outcome pages (成果转化), mounted at /outcomes/."""

from django.urls import path

from huodong.suggestions.views import outcomes as views

app_name = "outcomes"

urlpatterns = [
    path("", views.outcome_list, name="list"),
    path("export.xlsx", views.outcome_list_export, name="list_export"),
    path("mine/", views.outcome_mine, name="mine"),
    path("mine/export.xlsx", views.outcome_mine_export, name="mine_export"),
    path("new/", views.outcome_create, name="create"),
    path("public/<int:office_id>/", views.outcome_public, name="public"),
    path("<int:outcome_id>/", views.outcome_detail, name="detail"),
    path("<int:outcome_id>/edit/", views.outcome_edit, name="edit"),
    path("<int:outcome_id>/delete/", views.outcome_delete, name="delete"),
    path("<int:outcome_id>/progress/", views.outcome_progress, name="progress"),
    path("<int:outcome_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/edit/", views.milestone_edit, name="milestone_edit"),
    path(
        "milestones/<int:milestone_id>/done/", views.milestone_complete, name="milestone_complete"
    ),
    path("milestones/<int:milestone_id>/reopen/", views.milestone_reopen, name="milestone_reopen"),
    path("milestones/<int:milestone_id>/delete/", views.milestone_delete, name="milestone_delete"),
    path("<int:outcome_id>/suggestions/", views.outcome_link, name="link"),
    path(
        "<int:outcome_id>/suggestions/<int:suggestion_id>/unlink/",
        views.outcome_unlink,
        name="unlink",
    ),
    path("<int:outcome_id>/documents/", views.document_add, name="document_add"),
    path("documents/<int:document_id>/", views.document_download, name="document"),
    path("documents/<int:document_id>/delete/", views.document_delete, name="document_delete"),
]
