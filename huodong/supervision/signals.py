"""Stored files follow their rows: a deleted attachment's file goes once the deletion commits.

This covers every path, including a task removed by a revised plan (the rows cascade).
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from huodong.supervision.models import ReportAttachment


@receiver(post_delete, sender=ReportAttachment, dispatch_uid="supervision_attachment_file")
def delete_file_after_commit(sender, instance: ReportAttachment, **kwargs) -> None:
    name = instance.file.name
    if not name:
        return
    storage = instance.file.storage
    transaction.on_commit(lambda: storage.delete(name), robust=True)
