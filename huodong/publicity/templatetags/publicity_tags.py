"""Template tags of the column.

- `{{ article.body_html|column_html }}`: the stored body, sanitised once more on the way out.
- `{% publicity_for_task task %}`: the placements counted for a plan task, per channel, with a
  link to the campaign's publicity log filtered on the task (for the task page).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from huodong.publicity import selectors
from huodong.publicity.models import Channel
from huodong.publicity.sanitize import sanitize_html

register = template.Library()


@register.filter
def column_html(value: str) -> SafeString:
    return mark_safe(sanitize_html(value or ""))


@register.inclusion_tag("publicity/_task_placements.html")
def publicity_for_task(task) -> dict:
    counts = selectors.placements_for_task(task.pk)
    return {
        "task": task,
        "counts": [(label, counts[value]) for value, label in Channel.choices],
        "total": sum(counts.values()),
        "log_url": reverse("publicity:log", args=[task.campaign_id]) + f"?task={task.pk}",
    }
