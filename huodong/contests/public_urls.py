"""/c/<key>/: a contest's public entry form, an entry's receipt and the published results."""

from django.urls import path

from huodong.contests.views import public

app_name = "contests_public"

urlpatterns = [
    path("<slug:key>/", public.enter, name="enter"),
    path("<slug:key>/receipt/<slug:code>/", public.receipt, name="receipt"),
    path("<slug:key>/results/", public.results, name="results"),
]
