"""Django admin for the registry of fields and department names (staff only)."""

from django.contrib import admin

from fields.models import DepartmentAlias, Field


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 0
    raw_id_fields = ["added_by"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "slug", "position"]
    search_fields = ["name_ja", "name_en", "slug", "aliases__name"]
    filter_horizontal = ["boards"]
    inlines = [DepartmentAliasInline]
