"""schedule.ics: one event per planned session on the right days, each with a reminder and its
week's track, read back by icalendar and by vobject; the same bundle, the same bytes."""

from __future__ import annotations

import datetime
from pathlib import Path

import icalendar
import pytest
import vobject

from walkcoach import content
from walkcoach.plan.model import ClientSpec, Source
from walkcoach.plan.schedule import default_days, parse_days, session_dates
from walkcoach.share.calendar import schedule_days, schedule_ics
from walkcoach.share.model import Episode

START = datetime.date(2027, 1, 4)  # a Monday
TOKEN = "T" * 22


def episodes(*weeks: int) -> list[Episode]:
    return [Episode(week=week, title=f"Week {week}: 15 min, 10 min walk, beginner", summary="",
                    level="beginner", setting="floor", minutes=10,
                    audio=f"week-{week:02d} walking backwards.mp3", captions="", chapters="",
                    transcript="", size=1, mime="audio/mpeg", duration_ms=900_000,
                    digest="0" * 16) for week in weeks]


def make(days: str = "mon,wed,fri", weeks: tuple[int, ...] = (1, 2, 3, 4, 5, 6),
         url: str | None = "https://example.com/walks/maria-x/", start: datetime.date = START,
         ) -> bytes:
    return schedule_ics(title="Walking backwards: six weeks", episodes=episodes(*weeks),
                        start=start, days=parse_days(days), token=TOKEN, url=url)


def test_icalendar_reads_one_event_per_session_on_the_days_chosen() -> None:
    calendar = icalendar.Calendar.from_ical(make())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 6 * 3
    starts = [event.decoded("dtstart") for event in events]
    assert all(isinstance(day, datetime.date) and not isinstance(day, datetime.datetime)
               for day in starts)
    assert {day.weekday() for day in starts} == {0, 2, 4}
    assert starts[0] == START and starts[-1] == START + datetime.timedelta(weeks=5, days=4)
    for event in events:
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and alarms[0]["action"] == "DISPLAY"
        assert alarms[0].decoded("trigger") == datetime.timedelta(hours=8)
        assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(days=1)
    week2 = [e for e in events if "week 2," in str(e["summary"])]
    assert len(week2) == 3 and {str(e["url"]) for e in week2} == {
        "https://example.com/walks/maria-x/week-02%20walking%20backwards.mp3"}
    assert str(week2[0]["summary"]).endswith("session 1 of 3")
    assert len({str(event["uid"]) for event in events}) == 18


def test_vobject_reads_the_same_events_and_alarms() -> None:
    parsed = vobject.readOne(make("tue,sat", weeks=(1, 2)).decode())
    events = parsed.vevent_list
    assert len(events) == 4
    assert [event.dtstart.value for event in events] == [
        datetime.date(2027, 1, 5), datetime.date(2027, 1, 9), datetime.date(2027, 1, 12),
        datetime.date(2027, 1, 16)]
    assert all(len(event.valarm_list) == 1 for event in events)
    assert all(event.valarm.trigger.value == datetime.timedelta(hours=8) for event in events)


def test_a_start_midweek_keeps_each_week_seven_days() -> None:
    wednesday = datetime.date(2027, 1, 6)
    calendar = icalendar.Calendar.from_ical(make("mon,wed,fri", weeks=(1, 2), start=wednesday))
    days = [event.decoded("dtstart") for event in calendar.walk("VEVENT")]
    assert days == [datetime.date(2027, 1, d) for d in (6, 8, 11, 13, 15, 18)]
    assert session_dates(wednesday, 2, (0, 2, 4)) == tuple(days[3:])


def test_the_same_bundle_makes_the_same_bytes_and_another_token_other_uids() -> None:
    assert make() == make()
    other = schedule_ics(title="Walking backwards: six weeks", episodes=episodes(1),
                         start=START, days=(0,), token="U" * 22, url=None)
    ours = icalendar.Calendar.from_ical(make("mon", weeks=(1,), url=None))
    theirs = icalendar.Calendar.from_ical(other)
    assert ours.walk("VEVENT")[0]["uid"] != theirs.walk("VEVENT")[0]["uid"]
    assert TOKEN not in make().decode()
    stamp = ours.walk("VEVENT")[0].decoded("dtstamp")
    assert stamp == datetime.datetime(2027, 1, 4, tzinfo=datetime.timezone.utc)


def test_without_an_address_the_event_names_the_tracks_file() -> None:
    event = icalendar.Calendar.from_ical(make("mon", weeks=(3,), url=None)).walk("VEVENT")[0]
    assert "url" not in event
    assert "week-03 walking backwards.mp3" in str(event["description"])


def test_a_reminder_at_another_time() -> None:
    ics = schedule_ics(title="P", episodes=episodes(1), start=START, days=(0,), token=TOKEN,
                       reminder=datetime.time(18, 30))
    alarm = icalendar.Calendar.from_ical(ics).walk("VALARM")[0]
    assert alarm.decoded("trigger") == datetime.timedelta(hours=18, minutes=30)


def test_the_days_come_from_the_option_then_the_profile_then_the_program(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("program: P\ncoach: C\nexercise: walking-backwards\nsessions_per_week: 2\n"
                    "weeks:\n  - {week: 1, level: beginner, setting: floor, minutes: 5, "
                    "focus: Go.}\n", encoding="utf-8")
    program = content.load_program(path)
    maria = ClientSpec(name="Maria", days=(1, 3), source=Source(path=tmp_path / "m.yaml"))
    assert schedule_days(program) == default_days(2) == (0, 3)
    assert schedule_days(program, maria) == (1, 3)
    assert schedule_days(program, maria, given=(4, 0)) == (0, 4)
    assert schedule_days(program, "Maria") == (0, 3)
    with_days = path.read_text().replace("sessions_per_week: 2\n", "days: sat,sun\n")
    path.write_text(with_days, encoding="utf-8")
    assert schedule_days(content.load_program(path), "Maria") == (5, 6)


@pytest.mark.parametrize("per_week", [None, 1, 2, 3, 4, 5, 6, 7, 14])
def test_default_days_hold_the_sessions_of_a_week(per_week: int | None) -> None:
    days = default_days(per_week)
    assert len(days) == min(7, per_week or 3) and list(days) == sorted(set(days))
