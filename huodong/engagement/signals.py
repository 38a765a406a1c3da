"""Stored files follow their rows: a deleted meeting file's or participation's file goes once
the deletion commits (also when a meeting or an activity is deleted and the rows cascade)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from huodong.engagement.models import MeetingFile, OnlineParticipation


def _delete_after_commit(field_file) -> None:
    name = field_file.name
    if not name:
        return
    storage = field_file.storage
    transaction.on_commit(lambda: storage.delete(name), robust=True)


@receiver(post_delete, sender=MeetingFile, dispatch_uid="engagement_meeting_file")
def meeting_file_deleted(sender, instance: MeetingFile, **kwargs) -> None:
    _delete_after_commit(instance.file)


@receiver(post_delete, sender=OnlineParticipation, dispatch_uid="engagement_screenshot")
def participation_deleted(sender, instance: OnlineParticipation, **kwargs) -> None:
    _delete_after_commit(instance.screenshot)
