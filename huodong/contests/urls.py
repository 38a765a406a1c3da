"""/contests/: the office's contests, the entrants' own entries, the judges' sheets and the
organisers' pages."""

from django.urls import path

from huodong.contests.views import call, entries, judging, results

app_name = "contests"

urlpatterns = [
    path("", call.contest_list, name="list"),
    path("export.xlsx", call.contest_list_export, name="list_export"),
    path("new/", call.contest_create, name="create"),
    path("<int:contest_id>/", call.contest_detail, name="detail"),
    path("<int:contest_id>/edit/", call.contest_edit, name="edit"),
    path("<int:contest_id>/setup/", call.setup, name="setup"),
    path("<int:contest_id>/criteria/add/", call.criterion_add, name="criterion_add"),
    path(
        "<int:contest_id>/criteria/<int:criterion_id>/edit/",
        call.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "<int:contest_id>/criteria/<int:criterion_id>/delete/",
        call.criterion_delete,
        name="criterion_delete",
    ),
    path("<int:contest_id>/judges/add/", call.judge_add, name="judge_add"),
    path("<int:contest_id>/judges/<int:judge_id>/remove/", call.judge_remove, name="judge_remove"),
    path(
        "<int:contest_id>/judges/<int:judge_id>/",
        judging.judge_sheet_admin,
        name="judge_sheet_admin",
    ),
    path("<int:contest_id>/awards/add/", call.award_add, name="award_add"),
    path("<int:contest_id>/awards/<int:award_id>/edit/", call.award_edit, name="award_edit"),
    path("<int:contest_id>/awards/<int:award_id>/delete/", call.award_delete, name="award_delete"),
    path("<int:contest_id>/step/<slug:step>/", call.step, name="step"),
    # The entrant
    path("<int:contest_id>/my-entry/", entries.my_entry, name="my_entry"),
    path(
        "<int:contest_id>/my-entry/withdraw/", entries.my_entry_withdraw, name="my_entry_withdraw"
    ),
    # The organisers
    path("<int:contest_id>/entries/", entries.entries, name="entries"),
    path("<int:contest_id>/entries.xlsx", entries.entries_export, name="entries_export"),
    path("<int:contest_id>/entries/<int:entry_id>/", entries.entry_detail, name="entry"),
    path(
        "<int:contest_id>/entries/<int:entry_id>/disqualify/",
        entries.entry_disqualify,
        name="entry_disqualify",
    ),
    path("<int:contest_id>/entries/<int:entry_id>/award/", entries.entry_award, name="entry_award"),
    path("<int:contest_id>/results/", results.results, name="results"),
    path("<int:contest_id>/results.xlsx", results.results_export, name="results_xlsx"),
    # The judges
    path("<int:contest_id>/judge/", judging.judge_list, name="judge_list"),
    path("<int:contest_id>/judge/sheet.json", judging.judge_sheet_json, name="judge_sheet_json"),
    path("<int:contest_id>/judge/sheet.xlsx", judging.judge_sheet_export, name="judge_sheet_xlsx"),
    path("<int:contest_id>/judge/<int:number>/", judging.judge_entry, name="judge_entry"),
]
