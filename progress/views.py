"""Progress table pages. Thin: find what the member may see (else 404), parse, call a service.
Tables, their rows, history, exports and catch-up are all refused with a 404 to anyone who is
not an active member of the board (or a site moderator)."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from core.params import parse_int
from forums import access
from forums.queries import membership_of
from progress import exports, live, permissions, queries, services
from progress.forms import (
    ColumnForm,
    ColumnFormSet,
    PollForm,
    RowForm,
    SettingsForm,
    TableForm,
    columns_from,
)
from progress.models import ProgressRow, ProgressTable
from progress.presentation import table_page_parts
from progress.values import display


def _board_for(request, slug):
    board, membership = access.readable_board(request.user, slug)
    if not permissions.can_view_members_area(request.user, board, membership):
        raise Http404
    return board, membership


def _table_for(request, table_id):
    table = (
        ProgressTable.objects.select_related("board", "author__municipality")
        .filter(pk=table_id)
        .first()
    )
    if table is None:
        raise Http404
    membership = membership_of(request.user, table.board)
    if not permissions.can_view_members_area(request.user, table.board, membership):
        raise Http404
    return table, membership


@verified_required
def board_tables(request, slug):
    board, membership = _board_for(request, slug)
    defined_by = queries.defined_by(board)
    can_change = permissions.can_change_settings(request.user, board, membership)
    settings_form = SettingsForm(request.POST or None, initial={"tables_defined_by": defined_by})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if settings_form.is_valid():
            services.set_tables_defined_by(
                request.user, board, settings_form.cleaned_data["tables_defined_by"]
            )
            messages.success(request, _("The setting was saved."))
            return redirect("progress:board", board.slug)
    context = {
        "board": board,
        "tables": queries.board_tables(board),
        "can_define": permissions.can_define_table(request.user, board, membership, defined_by),
        "can_change_settings": can_change,
        "settings_form": settings_form,
    }
    return render(request, "progress/board_tables.html", context)


def _require_definer(request, board, membership):
    if not permissions.can_define_table(request.user, board, membership, queries.defined_by(board)):
        messages.error(request, _("Only this board's moderators can create tables here."))
        return redirect("progress:board", board.slug)
    return None


@verified_required
def table_new(request, slug):
    board, membership = _board_for(request, slug)
    refused = _require_definer(request, board, membership)
    if refused:
        return refused
    data = request.POST if request.method == "POST" else None
    if data is not None and "more" in data:
        # More blank questions: the same form again with what was typed, not yet checked (a
        # question still being written is no error).
        total = parse_int(data.get("form-TOTAL_FORMS", ""), maximum=30) or 0
        form = TableForm(initial={name: data.get(name, "") for name in TableForm.base_fields})
        formset = ColumnFormSet(
            initial=[
                {name: data.get(f"form-{index}-{name}", "") for name in ColumnForm.base_fields}
                for index in range(total)
            ]
        )
        return render(
            request, "progress/table_form.html", {"board": board, "form": form, "formset": formset}
        )
    form = TableForm(data)
    formset = ColumnFormSet(data)
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            table = services.define_table(
                request.user,
                board,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                deadline=form.cleaned_data["deadline"],
                columns=columns_from(formset),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The table was created. Members can now fill their rows."))
            return redirect(table)
    return render(
        request, "progress/table_form.html", {"board": board, "form": form, "formset": formset}
    )


@verified_required
def poll_new(request, slug):
    board, membership = _board_for(request, slug)
    refused = _require_definer(request, board, membership)
    if refused:
        return refused
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        table = services.create_poll(
            request.user,
            board,
            question=form.cleaned_data["question"],
            choices=form.cleaned_data["choices"],
            deadline=form.cleaned_data["deadline"],
        )
        messages.success(request, _("The poll was created."))
        return redirect(table)
    return render(request, "progress/poll_form.html", {"board": board, "form": form})


def _view_options(request, columns) -> dict:
    sort = request.GET.get("sort", "code")
    valid = {"code", "kind", "updated"} | {f"col-{column.pk}" for column in columns}
    sort = sort if sort in valid else "code"
    prefecture = request.GET.get("prefecture", "")
    prefecture = prefecture if len(prefecture) == 2 and prefecture.isdigit() else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in queries.KIND_RANK else ""
    return {
        "sort": sort,
        "descending": request.GET.get("order") == "desc",
        "prefecture": prefecture,
        "kind": kind,
    }


def _table_context(request, table, membership, *, row_form=None) -> dict:
    columns = queries.columns_of(table)
    options = _view_options(request, columns)
    can_edit = permissions.can_edit_row(request.user, table, membership)
    can_manage = permissions.can_manage_table(request.user, table, membership)
    own_row = queries.row_for(table, request.user.municipality_id) if can_edit else None
    if can_edit and row_form is None:
        row_form = RowForm(columns, row=own_row)
    return {
        "table": table,
        "board": table.board,
        "columns": columns,
        "column_sorts": [(f"col-{column.pk}", column.question) for column in columns],
        "options": options,
        "own_row": own_row,
        "row_form": row_form if can_edit else None,
        # The tip about full-width digits and era dates, where a column takes numbers or dates.
        "typed_values": any(column.is_numeric or column.kind == "date" for column in columns),
        "can_manage": can_manage,
        "not_answered": queries.organisations_not_answered(table) if can_manage else None,
        **table_page_parts(table, columns, options),
    }


@verified_required
def table_detail(request, table_id):
    table, membership = _table_for(request, table_id)
    return render(request, "progress/table_detail.html", _table_context(request, table, membership))


@require_POST
@verified_required
def row_save(request, table_id):
    table, _membership = _table_for(request, table_id)
    columns = queries.columns_of(table)
    form = RowForm(columns, request.POST)
    conflict = None
    if form.is_valid():
        try:
            row = services.save_row(
                request.user,
                table,
                form.typed(),
                form.cleaned_data["version"] or 0,
                columns=columns,
            )
        except services.RowInvalid as error:
            form.show_errors(error.errors)
            messages.error(request, str(error.message))
        except services.RowConflict as error:
            conflict = error.row
            # The next save is based on what the member now sees beside their input.
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form = RowForm(columns, data)
            form.is_valid()
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(table)
        else:
            messages.success(request, _("Your organisation's row was saved."))
            return redirect(f"{table.get_absolute_url()}#row-{row.pk}")
    return render(
        request,
        "progress/row_form.html",
        {
            "table": table,
            "board": table.board,
            "form": form,
            "conflict": conflict,
            "conflict_cells": _conflict_cells(columns, conflict),
        },
        status=409 if conflict else 400,
    )


def _conflict_cells(columns, row):
    if row is None:
        return []
    return [(column, display(column, row.values.get(column.key))) for column in columns]


@verified_required
def row_history(request, table_id, row_id):
    table, _membership = _table_for(request, table_id)
    row = ProgressRow.objects.select_related("municipality").filter(pk=row_id, table=table).first()
    if row is None:
        raise Http404
    columns = queries.columns_of(table)
    revisions = [
        (revision, [display(column, revision.values.get(column.key)) for column in columns])
        for revision in queries.row_history(row)
    ]
    return render(
        request,
        "progress/row_history.html",
        {
            "table": table,
            "board": table.board,
            "row": row,
            "columns": columns,
            "revisions": revisions,
        },
    )


def _download(content: bytes, content_type: str, table, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    ascii_name = f"progress-{table.pk}.{extension}"
    utf8_name = quote(f"{table.title}.{extension}")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _export_rows(table):
    columns = queries.columns_of(table)
    return columns, queries.table_rows(table, columns).rows


@verified_required
def export_csv(request, table_id):
    table, _membership = _table_for(request, table_id)
    columns, rows = _export_rows(table)
    return _download(exports.to_csv(columns, rows), "text/csv; charset=utf-8", table, "csv")


@verified_required
def export_xlsx(request, table_id):
    table, _membership = _table_for(request, table_id)
    columns, rows = _export_rows(table)
    return _download(
        exports.to_xlsx(table, columns, rows),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        table,
        "xlsx",
    )


@verified_required
def table_events(request, table_id):
    """Catch-up over plain HTTP: ``?since=<sequence>`` → ``{"events": [...]}`` or
    ``{"reload": true}`` when too much was missed."""
    table, _membership = _table_for(request, table_id)
    since = parse_int(request.GET.get("since", ""))
    if since is None:
        return JsonResponse({"error": "since must be a sequence number"}, status=400)
    events = live.events_since(table.pk, since)
    if events is None:
        return JsonResponse({"reload": True})
    return JsonResponse({"events": events, "sequence": table.event_sequence})


@require_POST
@verified_required
def table_close(request, table_id):
    table, _membership = _table_for(request, table_id)
    if request.POST.get("action") == "reopen":
        services.reopen_table(request.user, table)
        messages.success(request, _("The table is open again."))
    else:
        services.close_table(request.user, table)
        messages.success(request, _("The table is closed; its figures stay visible."))
    return redirect(table)
