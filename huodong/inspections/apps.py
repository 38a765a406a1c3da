from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "huodong.inspections"
    label = "inspections"
    verbose_name = _("Supervision: inspections, notices, rectification, accountability")
