"""Conversations get a manager (who adds and removes participants): the starter while they take
part, otherwise the participant who joined first."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def managers_for_existing(apps, schema_editor):
    Conversation = apps.get_model("conversations", "Conversation")
    Participant = apps.get_model("conversations", "Participant")
    for conversation in Conversation.objects.all().iterator():
        seats = Participant.objects.filter(conversation=conversation, left_at__isnull=True)
        if seats.filter(user_id=conversation.starter_id).exists():
            manager_id = conversation.starter_id
        else:
            manager_id = (
                seats.order_by("joined_at", "id").values_list("user_id", flat=True).first()
            )
        Conversation.objects.filter(pk=conversation.pk).update(manager_id=manager_id)


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="manager",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(managers_for_existing, migrations.RunPython.noop),
    ]
