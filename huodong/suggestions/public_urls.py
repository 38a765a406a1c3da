from django.urls import path

from huodong.suggestions.views import mailbox

app_name = "mailbox"

urlpatterns = [
    path("<int:campaign_id>/", mailbox.mailbox_form, name="form"),
    path("track/<str:code>/", mailbox.mailbox_track, name="track"),
]
