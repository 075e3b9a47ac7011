"""How a meeting's time is written, in the active language (pages, notices, calendars)."""

from django.utils import formats, timezone


def when_text(meeting) -> str:
    """「2026年12月5日 20:00–21:30」 in the active language, Japan time."""
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    day = formats.date_format(start, "DATE_FORMAT")
    return f"{day} {formats.time_format(start, 'H:i')}–{formats.time_format(end, 'H:i')}"
