"""A meeting's agenda topic is a discussion, not a question waiting for an answer."""

from django.db import migrations


def mark(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Topic = apps.get_model("forums", "Topic")
    agenda = Meeting.objects.exclude(agenda_topic=None).values("agenda_topic")
    Topic.objects.filter(pk__in=agenda).update(expects_answer=False)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("forums", "0007_topic_expects_answer"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
