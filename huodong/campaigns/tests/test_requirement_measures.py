import pytest

from huodong.campaigns.models import RequirementMeasure, StudyKind
from huodong.campaigns.requirement_measures import guess_measure
from huodong.campaigns.services import campaign_copy


def test_the_seed_plan_requirements_say_what_they_count(seed_campaign):
    counted = {
        (r.scope, r.subject): (r.measure, r.study_kind, r.tolerance_percent)
        for r in seed_campaign.requirements.all()
    }
    assert counted == {
        ("branch", "问题"): (RequirementMeasure.PROBLEMS, "", 90),
        ("person", "学习活动"): (RequirementMeasure.STUDIES, "", 90),
        ("person", "心得体会字数"): (RequirementMeasure.REFLECTION_WORDS, "", 90),
        ("campaign", "主题征文活动"): (RequirementMeasure.TASK, "", 90),
        ("campaign", "学习成果大讨论"): (RequirementMeasure.SESSIONS, StudyKind.DISCUSSION, 90),
    }


@pytest.mark.parametrize(
    ("subject", "scope", "measure", "kind"),
    [
        ("集中学习", "person", RequirementMeasure.STUDIES, StudyKind.GROUP),
        ("集中学习", "branch", RequirementMeasure.SESSIONS, StudyKind.GROUP),
        ("专题党课", "unit", RequirementMeasure.SESSIONS, StudyKind.LECTURE),
        ("个人自学", "person", RequirementMeasure.STUDIES, StudyKind.SELF),
        ("心得体会", "person", RequirementMeasure.REFLECTIONS, ""),
        ("调研报告", "unit", RequirementMeasure.TASK, ""),
    ],
)
def test_guesses_from_the_words_of_other_plans(subject, scope, measure, kind):
    guess = guess_measure(subject=subject, scope=scope)
    assert (guess.measure, guess.study_kind) == (measure, kind)


def test_a_copied_campaign_keeps_what_each_requirement_counts(seed_campaign):
    words = seed_campaign.requirements.get(measure=RequirementMeasure.REFLECTION_WORDS)
    words.tolerance_percent = 95
    words.measure = RequirementMeasure.REFLECTION_WORDS
    words.save()
    copy = campaign_copy(
        actor=None, campaign=seed_campaign, title="2019年活动", start=seed_campaign.start
    )
    kept = copy.requirements.get(subject="心得体会字数")
    assert (kept.measure, kept.tolerance_percent) == (RequirementMeasure.REFLECTION_WORDS, 95)
