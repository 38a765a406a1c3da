"""Each area keeps its routes beside its views; this joins them under one namespace."""

from huodong.participation.views import compliance, problems, reflections, study

app_name = "participation"
urlpatterns = [
    *study.urlpatterns,
    *reflections.urlpatterns,
    *problems.urlpatterns,
    *compliance.urlpatterns,
]
