"""An assignment saved without a field gets the field its department name leads to."""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from accounts.models import Assignment
from fields.matching import field_for_department


@receiver(pre_save, sender=Assignment)
def find_field_of_assignment(sender, instance: Assignment, raw=False, **kwargs):
    if raw or instance.field_id is not None or instance.field_chosen_by_member:
        return
    instance.field = field_for_department(instance.department, member=instance.user).field
