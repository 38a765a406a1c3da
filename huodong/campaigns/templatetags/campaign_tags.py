from django import template
from django.utils.html import format_html

from huodong.campaigns.lights import Light

register = template.Library()


@register.simple_tag
def light(value: str) -> str:
    """A coloured dot with its label: colour alone must never carry the meaning."""
    label = Light(value).label if value in Light.values else value
    return format_html('<span class="light light-{}">{}</span>', value, label)


@register.filter
def light_label(value: str) -> str:
    return str(Light(value).label) if value in Light.values else value


@register.filter
def units_of_role(task, role: str) -> list:
    """The task's units of one role, from the prefetched links (no query)."""
    return [link.unit for link in getattr(task, "unit_links", []) if link.role == role]
