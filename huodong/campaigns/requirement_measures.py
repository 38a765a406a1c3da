"""What a requirement counts, guessed from the words the plan used for it.

The plan says 学习活动, 心得体会字数, 问题, 学习成果大讨论; compliance needs to know which records
to count. The guess is made once, at import or copy, and the office can change it afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from huodong.campaigns.models import RequirementMeasure, RequirementScope, StudyKind


@dataclass(frozen=True)
class MeasureGuess:
    measure: str
    study_kind: str = ""


# First match wins: the more specific words come first.
_DISCUSSION_WORDS = ("大家谈", "大讨论", "座谈", "研讨")
_LECTURE_WORDS = ("专题辅导", "辅导", "讲座", "党课")
_GROUP_WORDS = ("集中学习", "集体学习", "学习会")


def guess_measure(*, subject: str, scope: str) -> MeasureGuess:
    if "字" in subject and ("心得" in subject or "体会" in subject or subject.endswith("字数")):
        return MeasureGuess(RequirementMeasure.REFLECTION_WORDS)
    if "心得" in subject or "体会" in subject:
        return MeasureGuess(RequirementMeasure.REFLECTIONS)
    if "问题" in subject:
        return MeasureGuess(RequirementMeasure.PROBLEMS)
    # A person attends; a branch, unit or the campaign holds sessions.
    held = RequirementMeasure.STUDIES if scope == RequirementScope.PERSON else None
    for words, kind in (
        (_DISCUSSION_WORDS, StudyKind.DISCUSSION),
        (_LECTURE_WORDS, StudyKind.LECTURE),
        (_GROUP_WORDS, StudyKind.GROUP),
    ):
        if any(w in subject for w in words):
            return MeasureGuess(held or RequirementMeasure.SESSIONS, kind)
    if "自学" in subject:
        return MeasureGuess(RequirementMeasure.STUDIES, StudyKind.SELF)
    if "学习" in subject:
        return MeasureGuess(held or RequirementMeasure.SESSIONS)
    return MeasureGuess(RequirementMeasure.TASK)
