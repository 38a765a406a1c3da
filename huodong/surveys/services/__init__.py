"""Writes of the questionnaires: building and publishing (`building`), answering (`answering`)."""

from huodong.surveys.services.answering import device_token_new, response_submit
from huodong.surveys.services.building import (
    option_labels_set,
    question_add,
    question_delete,
    question_move,
    question_reword,
    section_add,
    survey_close,
    survey_copy,
    survey_create,
    survey_publish,
)
from huodong.surveys.services.pool import answer_send_to_pool
from huodong.surveys.services.tallies import survey_tallies_rebuild

__all__ = [
    "answer_send_to_pool",
    "device_token_new",
    "option_labels_set",
    "question_add",
    "question_delete",
    "question_move",
    "question_reword",
    "response_submit",
    "section_add",
    "survey_close",
    "survey_copy",
    "survey_create",
    "survey_publish",
    "survey_tallies_rebuild",
]
