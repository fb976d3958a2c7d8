"""Property-based tests: whatever is posted, the webhook answers, keeps count and leaks nothing.

Hypothesis throws arbitrary JSON at parse_lead and at the HTTP handler. Every text in
the generated posts carries MARKER, so a log line that shows any part of a post shows it.
"""

from datetime import UTC, date, datetime, timedelta
import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components.webhook import async_generate_path
from homeassistant.core import HomeAssistant
from hypothesis import given, settings, strategies as st
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flipsnack.webhook_posts import (
    MAX_FIELDS,
    MAX_HASH_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_VALUE_LENGTH,
    REASONS,
    PostIgnoredError,
    parse_lead,
)

from .const import WEBHOOK_ID
from .test_webhook import FIELDS, LEAD, receiver_of

MARKER = "Zq7Xw"
RECEIVED_AT = datetime(2026, 5, 4, 10, 0, 2, tzinfo=UTC)
# Fast enough for every run of the suite; `--hypothesis-seed` replays one.
SETTINGS = settings(max_examples=150, deadline=None, database=None)

texts = st.text(max_size=12).map(lambda text: f"{MARKER}{text}")
# Integers up to hundreds of digits: more than a float holds.
integers = (
    st.integers() | st.integers(min_value=2**1024) | st.integers(max_value=-(2**1024))
)
scalars = st.none() | st.booleans() | integers | st.floats() | texts
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4)
    ),
    max_leaves=12,
)


# Dates and times as ISO 8601 texts, up to the ends of the calendar, in any zone: the
# offset is written out by hand, since Hypothesis keeps aware datetimes within the
# calendar in UTC, which is just what must be tried.
def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"


zones = st.sampled_from(["", "Z"]) | st.integers(-1439, 1439).map(_offset_text)
moments = (
    st.datetimes()
    # The first and the last day of the calendar.
    | st.builds(datetime.combine, st.sampled_from([date.min, date.max]), st.times())
)
datetime_texts = st.builds(
    lambda moment, sep, zone: f"{moment.isoformat(sep=sep)}{zone}",
    moments,
    st.sampled_from(" T"),
    zones,
)
pairs = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values,
        "value": json_values,
        "field_name": json_values,
        "field_value": json_values,
    },
)
# Posts that get past the type, so that every other part is tried.
lead_posts = st.fixed_dictionaries(
    {"type": st.just("contact")},
    optional={
        "flipbook_hash": json_values | st.text(max_size=70),
        "flipbook_title": json_values,
        "timestamp": json_values,
        "datetime": json_values | datetime_texts,
        "data": json_values | st.lists(pairs, max_size=6),
    },
)
payloads = json_values | lead_posts


@SETTINGS
@given(
    payload=payloads,
    titles=st.dictionaries(st.text(max_size=70), st.none() | texts, max_size=3),
)
def test_parse_lead_reads_any_json(payload: Any, titles: dict[str, str | None]) -> None:
    """parse_lead returns a lead within the limits, or drops the post for a reason."""
    try:
        lead, notes = parse_lead(
            payload, received_at=RECEIVED_AT, flipbook_titles=titles
        )
    except PostIgnoredError as err:
        reason, text = err.reason, str(err)
        # Dropped only for a reason the log can name, and without the post's content.
        assert reason in REASONS
        assert text == reason
        return

    assert notes <= REASONS.keys()
    assert len(lead.fields) <= MAX_FIELDS
    for name, value in lead.fields.items():
        # A shared name gets " (2)" and so on after it.
        assert 0 < len(name) <= MAX_NAME_LENGTH + len(f" ({MAX_FIELDS})")
        assert len(value) <= MAX_VALUE_LENGTH
    assert lead.flipbook_hash is None or 0 < len(lead.flipbook_hash) <= MAX_HASH_LENGTH
    assert lead.flipbook_title is None or len(lead.flipbook_title) <= MAX_TITLE_LENGTH
    assert lead.submitted_at.utcoffset() == timedelta(0)
    # The state machine, the websocket API and automations take the attributes as JSON.
    orjson.dumps(lead.event_attributes())
    assert "fields" not in repr(lead)
    assert len(lead.digest()) == 64


@SETTINGS
@given(
    part=st.sampled_from(
        ["flipbook_hash", "flipbook_title", "timestamp", "datetime", "data"]
    ),
    value=json_values,
)
def test_one_odd_part_leaves_the_others_as_posted(part: str, value: Any) -> None:
    """Each part of a lead is judged on its own: whatever one holds, the lead is kept."""
    lead, _ = parse_lead({**LEAD, part: value}, received_at=RECEIVED_AT)

    expected = parse_lead(LEAD, received_at=RECEIVED_AT)[0]
    if part != "data":
        assert lead.fields == FIELDS
    if part not in ("flipbook_hash", "flipbook_title"):
        assert lead.flipbook_hash == expected.flipbook_hash
        assert lead.flipbook_title == expected.flipbook_title
    if part != "datetime":
        assert lead.submitted_at == expected.submitted_at
    if part != "timestamp":
        assert lead.timestamp == expected.timestamp


@SETTINGS
@given(moment=datetime_texts, padding=st.sampled_from(["", " ", "\n"]))
def test_any_date_and_time_is_read(moment: str, padding: str) -> None:
    """Every ISO 8601 time is read, or replaced by the time received: none fails.

    Near the ends of the calendar, a time with an offset falls outside it in UTC.
    """
    post = {"type": "contact", "datetime": f"{padding}{moment}{padding}"}
    lead, notes = parse_lead(post, received_at=RECEIVED_AT)

    assert lead.submitted_at.utcoffset() == timedelta(0)
    assert (lead.submitted_at == RECEIVED_AT) is ("unparsed_datetime" in notes)


async def test_the_webhook_answers_any_body(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Any body gets 200 and is counted once, as a lead or a dropped post.

    No log line shows any of it, and none comes from Home Assistant's webhook component
    above debug level: an error escaping the handler would be logged with the webhook id.
    """
    caplog.set_level(logging.DEBUG)
    bodies: list[bytes] = []

    # Hypothesis drives the examples; Home Assistant's fixtures stay those of this test.
    @SETTINGS
    @given(
        # Mostly lead forms, whose parts go furthest into the handler.
        body=st.one_of(lead_posts, lead_posts, payloads).map(
            lambda payload: json.dumps(payload).encode()
        )
        | st.binary(max_size=64)
    )
    def collect(body: bytes) -> None:
        bodies.append(body)

    collect()
    client: TestClient = await hass_client_no_auth()
    for body in bodies:
        response = await client.post(async_generate_path(WEBHOOK_ID), data=body)
        assert response.status == 200, body

    receiver = receiver_of(init_lead_forms)
    assert receiver.leads_received + receiver.posts_dropped.total() == len(bodies)
    assert MARKER not in caplog.text
    assert not [
        record
        for record in caplog.records
        if record.levelno > logging.DEBUG
        and (
            record.levelno >= logging.ERROR
            or record.name.startswith("homeassistant.components.webhook")
        )
    ]
