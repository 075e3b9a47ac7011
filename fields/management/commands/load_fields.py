"""Load the fields of work and their department names from fields/data/fields.toml."""

from django.core.management.base import BaseCommand
from django.db import transaction

from fields.models import DepartmentAlias, Field
from fields.registry import load_registry


class Command(BaseCommand):
    help = "Create or update the fields of work and their usual department names."

    @transaction.atomic
    def handle(self, *args, **options):
        fields, names = load_registry(Field, DepartmentAlias)
        self.stdout.write(f"{fields} fields of work, {names} department names.")
