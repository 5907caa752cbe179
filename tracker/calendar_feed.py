"""The reminders as an RFC 5545 calendar feed, for phones where Web Push is unavailable.

Each enabled reminder is one weekly recurring event (RRULE FREQ=WEEKLY;BYDAY=...) at its wall time with
TZID set to the profile's zone, so the phone's calendar applies DST itself, plus a display alarm. The
feed carries only the generic prompt: calendar apps sync feeds through third-party servers, so no label.
"""

import datetime as dt
import zoneinfo

import icalendar

from tracker.models import WEEKDAYS, Profile, Reminder

SUMMARY = "Gentle check-in"
DESCRIPTION = "Time for a gentle check-in with Attune."
ICAL_DAYS = {day: day[:2].upper() for day in WEEKDAYS}  # "mon" -> "MO"
MIN_DURATION = dt.timedelta(minutes=5)


def profile_for_calendar_token(*, token: str) -> Profile | None:
    """The profile whose feed this token opens; None for a wrong, old or empty token."""
    if not token or len(token) > 64:
        return None
    return Profile.objects.select_related("user").filter(calendar_token=token).first()


def _first_start(*, reminder: Reminder, zone: zoneinfo.ZoneInfo, anchor: dt.datetime) -> dt.datetime:
    """DTSTART: the reminder's wall time on the first scheduled date on or after `anchor`'s local date."""
    start_date = anchor.astimezone(zone).date()
    for step in range(7):
        date = start_date + dt.timedelta(days=step)
        if WEEKDAYS[date.weekday()] in reminder.days:
            return dt.datetime.combine(date, reminder.time, tzinfo=zone)
    raise ValueError("a reminder without days has no events")  # callers skip those


def reminders_calendar(*, profile: Profile, now: dt.datetime) -> bytes:
    """The feed of `profile`'s enabled reminders (two queries: the profile lookup is the caller's)."""
    zone = zoneinfo.ZoneInfo(profile.timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Attune//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Attune reminders")
    calendar.add("x-wr-timezone", profile.timezone)
    calendar.add("refresh-interval", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", dt.timedelta(hours=12))
    reminders = Reminder.objects.filter(user_id=profile.user_id, enabled=True).order_by("time", "id")
    starts = []
    for reminder in reminders:
        if not reminder.days:
            continue
        # A pause moves the series' start past it; the phone refreshes the feed within REFRESH-INTERVAL.
        anchor = reminder.created_at
        if profile.paused_until and profile.paused_until > now:
            anchor = max(anchor, profile.paused_until)
        start = _first_start(reminder=reminder, zone=zone, anchor=anchor)
        starts.append(start)
        event = icalendar.Event()
        event.add("uid", f"{reminder.uuid}@attune")
        event.add("dtstamp", reminder.updated_at.astimezone(dt.UTC))
        event.add("summary", SUMMARY)
        event.add("description", DESCRIPTION)
        event.add("dtstart", start)
        event.add("duration", max(dt.timedelta(minutes=reminder.window_minutes), MIN_DURATION))
        event.add("rrule", {"FREQ": "WEEKLY", "BYDAY": [ICAL_DAYS[day] for day in reminder.days]})
        event.add("transp", "TRANSPARENT")  # a prompt, not a meeting: never shows the person as busy
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", DESCRIPTION)
        alarm.add("trigger", dt.timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    if starts:
        # VTIMEZONE for the zone, covering the series from its first start to a few years ahead.
        first = min(start.date() for start in starts) - dt.timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=now.date() + dt.timedelta(days=5 * 366))
    return calendar.to_ical()
