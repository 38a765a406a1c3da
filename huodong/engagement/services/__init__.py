"""The engagement services: meetings, enterprise visits, online activities."""

from huodong.engagement.services.enterprises import (
    enterprise_problem_add,
    enterprise_problem_assign,
    enterprise_problem_reopen,
    enterprise_problem_reply,
    enterprise_problem_resolve,
    visit_enterprise_add,
)
from huodong.engagement.services.meetings import (
    attendance_mark,
    attendee_invite,
    guest_add,
    meeting_cancel,
    meeting_create,
    meeting_file_add,
    meeting_file_delete,
    meeting_headcount_set,
    meeting_register,
    meeting_sign_in,
    meeting_update,
    minutes_save,
    opinion_record,
)
from huodong.engagement.services.online import (
    online_activity_create,
    online_activity_update,
    online_participation_delete,
    online_participation_record,
    online_participation_to_pool,
)

__all__ = [
    "attendance_mark",
    "attendee_invite",
    "enterprise_problem_add",
    "enterprise_problem_assign",
    "enterprise_problem_reopen",
    "enterprise_problem_reply",
    "enterprise_problem_resolve",
    "guest_add",
    "meeting_cancel",
    "meeting_create",
    "meeting_file_add",
    "meeting_file_delete",
    "meeting_headcount_set",
    "meeting_register",
    "meeting_sign_in",
    "meeting_update",
    "minutes_save",
    "online_activity_create",
    "online_activity_update",
    "online_participation_delete",
    "online_participation_record",
    "online_participation_to_pool",
    "opinion_record",
    "visit_enterprise_add",
]
