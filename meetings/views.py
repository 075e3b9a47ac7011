"""Meeting pages. Thin: find what the member may see (else 404), parse, call a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import verified_required
from accounts.models import User
from forums import access
from forums.forms import new_token
from forums.queries import membership_of
from meetings import calendar, permissions, queries, services
from meetings.forms import CancelForm, MeetingForm, RsvpForm
from meetings.models import CalendarFeed, Meeting, Rsvp


def _board_for(request, slug):
    board, membership = access.readable_board(request.user, slug)
    if not permissions.can_view_meetings(request.user, board, membership):
        raise Http404
    return board, membership


def _meeting_for(request, meeting_id):
    meeting = (
        Meeting.objects.select_related("board", "host__municipality", "agenda_topic")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    membership = membership_of(request.user, meeting.board)
    if not permissions.can_view_meetings(request.user, meeting.board, membership):
        raise Http404
    return meeting, membership


@verified_required
def board_meetings(request, slug):
    board, membership = _board_for(request, slug)
    upcoming, past = queries.board_meetings(board)
    return render(
        request,
        "meetings/board_meetings.html",
        {
            "board": board,
            "upcoming": queries.with_my_answers(upcoming, request.user),
            "past": past,
            "can_schedule": permissions.can_schedule_meeting(request.user, board, membership),
        },
    )


@verified_required
def meeting_new(request, slug):
    board, membership = _board_for(request, slug)
    if not permissions.can_schedule_meeting(request.user, board, membership):
        raise Http404
    form = MeetingForm(request.POST or None, initial={"submission_token": new_token()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                request.user,
                board,
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                video_url=data["video_url"],
                capacity=data["capacity"],
                description=data["description"],
                token=data["submission_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was announced and its agenda topic opened."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"board": board, "form": form})


@verified_required
def meeting_detail(request, meeting_id):
    meeting, membership = _meeting_for(request, meeting_id)
    rsvp = queries.rsvp_of(request.user, meeting)
    context = {
        "meeting": meeting,
        "board": meeting.board,
        "answers": queries.answers_of(meeting),
        "rsvp": rsvp,
        "waiting_position": queries.waiting_position(rsvp),
        "choices": Rsvp.Answer.choices,
        "can_answer": permissions.can_answer_rsvp(request.user, meeting, membership),
        "can_manage": permissions.can_manage_meeting(request.user, meeting, membership)
        and not meeting.is_cancelled,
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_POST
@verified_required
def meeting_rsvp(request, meeting_id):
    meeting, _membership = _meeting_for(request, meeting_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose attending, maybe or not attending."))
        return redirect(meeting)
    try:
        rsvp = services.answer_rsvp(request.user, meeting, form.cleaned_data["answer"])
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(meeting)
    if rsvp.waitlisted:
        messages.success(
            request,
            _("The meeting is full: you are on the waiting list, number %(position)d.")
            % {"position": queries.waiting_position(rsvp)},
        )
    else:
        messages.success(
            request, _("Your answer was saved: %(answer)s.") % {"answer": rsvp.get_answer_display()}
        )
    return redirect(meeting)


@verified_required
def meeting_edit(request, meeting_id):
    meeting, membership = _meeting_for(request, meeting_id)
    if not permissions.can_manage_meeting(request.user, meeting, membership):
        raise PermissionDenied
    if meeting.is_cancelled:
        messages.error(request, _("This meeting was cancelled."))
        return redirect(meeting)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_meeting(
                request.user,
                meeting,
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                video_url=data["video_url"],
                capacity=data["capacity"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was changed; everyone who answered is told."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"board": meeting.board, "form": form, "meeting": meeting},
    )


@verified_required
def meeting_cancel(request, meeting_id):
    meeting, membership = _meeting_for(request, meeting_id)
    if not permissions.can_manage_meeting(request.user, meeting, membership):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.cancel_meeting(request.user, meeting, form.cleaned_data["reason"])
        messages.success(request, _("The meeting was cancelled; everyone who answered is told."))
        return redirect(meeting)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting, "form": form})


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@verified_required
def meeting_ics(request, meeting_id):
    meeting, _membership = _meeting_for(request, meeting_id)
    return _ics_response(calendar.meeting_ics(meeting), calendar.filename(meeting))


@verified_required
def calendar_settings(request):
    feed = services.calendar_feed_of(request.user)
    feed_url = request.build_absolute_uri(
        reverse("meetings:feed", args=[request.user.pk, feed.token])
    )
    return render(request, "meetings/calendar_settings.html", {"feed": feed, "feed_url": feed_url})


@require_POST
@verified_required
def calendar_renew(request):
    services.renew_calendar_feed(request.user)
    messages.success(
        request, _("Your calendar has a new address. The old address no longer works.")
    )
    return redirect("meetings:calendar")


@never_cache
def calendar_feed(request, user_id, token):
    """A calendar app fetches this without a session: the token is the key. A revoked token,
    another member's token, or a member who is no longer verified get a 404."""
    feed = CalendarFeed.objects.select_related("user").filter(user_id=user_id).first()
    if feed is None or not constant_time_compare(feed.token, token):
        raise Http404
    member: User = feed.user
    if not member.is_verified:
        raise Http404
    meetings = [
        meeting
        for meeting in queries.feed_meetings(member)
        if permissions.can_view_meetings(
            member, meeting.board, membership_of(member, meeting.board)
        )
    ]
    content = calendar.feed_ics(meetings, _("Online City Hall meetings"))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
