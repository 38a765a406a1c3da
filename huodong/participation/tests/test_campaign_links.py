"""The campaign home offers each user the participation pages they may open, and no others."""

import pytest
from django.urls import reverse


def links(client, user, campaign) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("campaigns:home", args=[campaign.pk])).content.decode()
    start = html.index('class="participation-links"')
    nav = html[start : html.index("</nav>", start)]
    names = {
        "my_progress": "progress",
        "sessions": "sessions",
        "problems": "problems",
        "reflection_queue": "review",
        "compliance": "compliance",
    }
    found = {
        label
        for name, label in names.items()
        if f'href="{reverse(f"participation:{name}", args=[campaign.pk])}"' in nav
    }
    if f'href="{reverse("originality:campaign_settings", args=[campaign.pk])}"' in nav:
        found.add("originality")
    return found


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", {"progress", "sessions", "problems"}),
        ("secretary", {"progress", "sessions", "problems", "review", "compliance"}),
        ("unit_head", {"progress", "sessions", "problems", "compliance"}),
        ("director", {"progress", "sessions", "problems", "review", "compliance", "originality"}),
    ],
)
def test_each_role_sees_its_participation_links(client, org, campaign, who, expected):
    assert links(client, getattr(org, who), campaign) == expected
