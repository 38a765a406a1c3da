from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OriginalityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "huodong.originality"
    verbose_name = _("Originality check")
