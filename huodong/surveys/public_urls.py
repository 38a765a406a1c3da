"""/s/<key>/: the answering page the public link and QR code open."""

from huodong.surveys.views import answering

app_name = "surveys_public"

urlpatterns = [*answering.public_urlpatterns]
