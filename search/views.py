"""Search pages. Thin: read the form, work out the readable boards once, ask search.queries."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import verified_required
from accounts.models import User
from core.params import clean_text
from forums.permissions import can_post_in_board
from forums.queries import visible_boards
from search import queries
from search.analysis import MAX_QUERY_LENGTH
from search.forms import SearchForm

MAX_TITLE_LENGTH = 200


@require_GET
@verified_required
def search(request):
    readable = visible_boards(request.user)
    boards = [entry.board for entry in readable]
    form = SearchForm(request.GET or None, boards=boards)
    context = {"form": form, "result": None, "author": None}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        board = form.boards_by_slug.get(data["board"])
        municipality = data["municipality"]
        filters = queries.SearchFilters(
            board_id=board.pk if board else None,
            solved_only=data["solved"],
            municipality_id=municipality.pk if municipality else None,
            since=data["since"],
            until=data["until"],
            author_id=data["author"],
        )
        if data["author"]:
            context["author"] = User.objects.filter(pk=data["author"]).first()
        context["result"] = queries.search(
            [board.pk for board in boards], data["q"], filters, page=data["page"] or 1
        )
        named = queries.boards_named_in(boards, context["result"].question)
        context["named_boards"] = named
        # The question can be asked on the first named board the member may post in.
        postable = {
            entry.board.pk
            for entry in readable
            if can_post_in_board(request.user, entry.board, entry.membership)
        }
        context["ask_board"] = next((board for board in named if board.pk in postable), None)
        context["query_without_page"] = _without_page(request.GET)
        context["ask_query"] = urlencode({"q": data["q"]})
    return render(request, "search/search.html", context)


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
@verified_required
def similar(request):
    """Topics like the question being typed (title and body), as JSON for
    static/js/similar-topics.js."""
    title = clean_text(request.GET.get("title", ""), max_length=MAX_TITLE_LENGTH)
    body = clean_text(request.GET.get("body", ""), max_length=MAX_QUERY_LENGTH)
    boards = [entry.board for entry in visible_boards(request.user)]
    board_id = next((b.pk for b in boards if b.slug == request.GET.get("board")), None)
    topics = queries.similar_topics(
        [board.pk for board in boards], title, board_id=board_id, body=body
    )
    return JsonResponse({"topics": topics})
