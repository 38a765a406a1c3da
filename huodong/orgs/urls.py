from django.urls import path

from huodong.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.units, name="units"),
    path("people.xlsx", views.people_export, name="people_export"),
    path("import/", views.org_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
