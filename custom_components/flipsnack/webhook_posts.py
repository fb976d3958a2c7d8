"""What Flipsnack posts to the workspace webhook, read into models.

Pure Python, free of Home Assistant: the receiver (webhook.py) hands each parsed body to
parse_post (webhook_orders.py), which hands lead forms (`contact`) to parse_lead here and
orders (`orders`) to parse_order there. The helpers that read a part of a post (a time, a
hash, a title, a list of fields) serve both.

A lead is a reader's answers, so each part of a post is judged on its own: a part that
cannot be read is replaced (the time received for the time, the listing's title for the
title), kept as text (a nested value) or left out, and noted. Only a post that is no lead
form at all is dropped. Notes and reasons are keys of REASONS, whose texts never hold the
post's content.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import hashlib
import json
import logging
import math
from typing import Any, Final

# The event type and attributes of the Lead form entity.
EVENT_CONTACT_SUBMITTED: Final = "contact_submitted"
ATTR_FLIPBOOK_HASH: Final = "flipbook_hash"
ATTR_FLIPBOOK_TITLE: Final = "flipbook_title"
ATTR_SUBMITTED_AT: Final = "submitted_at"
ATTR_FIELDS: Final = "fields"

# Limits that keep one lead small in the state machine and in automation traces.
MAX_BODY_BYTES: Final = 64 * 1024
MAX_FIELDS: Final = 50
MAX_NAME_LENGTH: Final = 100
MAX_VALUE_LENGTH: Final = 1000
MAX_TITLE_LENGTH: Final = 255
MAX_HASH_LENGTH: Final = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Lead:
    """One lead-form submission, validated and trimmed to the limits.

    The hash and title are None when the post had no readable hash and no title could be
    found for it.
    """

    flipbook_hash: str | None
    flipbook_title: str | None
    timestamp: float | None
    submitted_at: datetime
    # A reader's personal data: never in a repr, which the dispatcher or a log may show.
    fields: dict[str, str] = field(repr=False)
    # The datetime text as posted, which Flipsnack's retries repeat.
    posted_datetime: str | None = field(default=None, repr=False)

    def event_attributes(self) -> dict[str, Any]:
        """Return the attributes of the event entity for this lead."""
        return {
            ATTR_FLIPBOOK_TITLE: self.flipbook_title,
            ATTR_FLIPBOOK_HASH: self.flipbook_hash,
            ATTR_SUBMITTED_AT: self.submitted_at.isoformat(),
            ATTR_FIELDS: dict(self.fields),
        }

    def digest(self) -> str:
        """Return a digest that is the same for Flipsnack's retries of this submission."""
        key = [
            self.flipbook_hash,
            self.timestamp,
            self.posted_datetime,
            sorted(self.fields.items()),
        ]
        return hashlib.sha256(json.dumps(key).encode()).hexdigest()


class PostIgnoredError(Exception):
    """A post that is not a lead form the integration can use."""

    def __init__(self, reason: str) -> None:
        """Keep the reason, one of the keys of REASONS."""
        super().__init__(reason)
        self.reason = reason


# Posts dropped because they could not be read at all, before their type (lead form or
# order) is known: the user is told through a repair issue. What the options turn off and
# Flipsnack's retries are ignored as expected.
UNREADABLE_REASONS: Final = (
    "invalid_json",
    "not_object",
    "unknown_type",
    "too_large",
    "read_error",
)

# Why a post was dropped or changed: the log level and text, which never hold its content.
REASONS: Final[dict[str, tuple[int, str]]] = {
    # Dropped: no event fires.
    "too_large": (logging.WARNING, "the body is larger than 64 kB"),
    "invalid_json": (logging.WARNING, "the body is not JSON"),
    "not_object": (logging.WARNING, "the JSON is not an object"),
    "unknown_type": (logging.WARNING, "its type is not one Flipsnack documents"),
    "read_error": (logging.WARNING, "the body was not received in full"),
    "order": (
        logging.DEBUG,
        "it is an order, and orders are turned off in the options",
    ),
    "lead_form": (
        logging.DEBUG,
        "it is a lead form, and lead forms are turned off in the options",
    ),
    "duplicate": (
        logging.DEBUG,
        "it repeats a lead received in the last 10 minutes",
    ),
    # The lead is kept in these cases; only the part the text names changes.
    "unparsed_datetime": (
        logging.WARNING,
        (
            "datetime is missing or not a date and time Home Assistant understands;"
            " the time the post was received is used"
        ),
    ),
    "missing_flipbook_title": (
        logging.INFO,
        (
            "flipbook_title is missing or not a text; the title from the listing, or"
            " else the hash, is used"
        ),
    ),
    "invalid_flipbook_hash": (
        logging.WARNING,
        "flipbook_hash is missing or not a short text; the post has no hash",
    ),
    "invalid_timestamp": (
        logging.INFO,
        (
            "timestamp is missing or not a number; its retries are recognised by the"
            " rest of the lead"
        ),
    ),
    "invalid_data": (
        logging.WARNING,
        "data is missing or empty; the lead has no fields",
    ),
    "unnamed_field": (
        logging.WARNING,
        "a field has no name that is text; it is kept as #1, #2, … by its position",
    ),
    "nested_value": (
        logging.WARNING,
        "a field's value is an object or nested list; it is kept as JSON text",
    ),
    "unreadable_field": (
        logging.WARNING,
        "a field's value could not be turned into text; it was left out",
    ),
    "too_many_fields": (
        logging.WARNING,
        f"it has more than {MAX_FIELDS} fields; the first {MAX_FIELDS} are kept",
    ),
    "long_text": (
        logging.DEBUG,
        (
            f"a field name longer than {MAX_NAME_LENGTH} characters or a value"
            f" longer than {MAX_VALUE_LENGTH} was shortened"
        ),
    ),
}


def shorten(text: str, limit: int, notes: set[str]) -> str:
    """Return text cut to limit characters, noting when it was cut."""
    if len(text) <= limit:
        return text
    notes.add("long_text")
    return f"{text[: limit - 1]}…"


def scalar_text(value: Any) -> str | None:
    """Return a JSON scalar as text, or None for an object or a list."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def field_text(value: Any, notes: set[str]) -> str | None:
    """Return a field value as text; lists (several choices) are joined with commas.

    Anything else, an object or a nested list, is kept as its JSON text. None only for a
    value JSON cannot hold, which a parsed body never has.
    """
    if (text := scalar_text(value)) is not None:
        return text
    if isinstance(value, list):
        items = [scalar_text(item) for item in value]
        if all(item is not None for item in items):
            return ", ".join(item for item in items if item is not None)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except TypeError, ValueError, RecursionError:
        notes.add("unreadable_field")
        return None
    notes.add("nested_value")
    return text


def field_pairs(data: Any, notes: set[str]) -> list[tuple[Any, Any]]:
    """Return the (name, value) pairs of data in either shape Flipsnack may send."""
    if isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, list):
        pairs = []
        for item in data:
            if not isinstance(item, dict):
                pairs.append((None, item))  # a value without its name
                continue
            # Lead forms are documented with a name and a value; orders use field_name
            # and field_value, which contact forms may share.
            name = item["name"] if "name" in item else item.get("field_name")
            value = item["value"] if "value" in item else item.get("field_value")
            pairs.append((name, value))
    elif data is None:
        pairs = []
    else:
        pairs = [(None, data)]  # a lone value: kept as one field without a name
    if not pairs:
        notes.add("invalid_data")
    return pairs


def field_name(raw_name: Any, position: int, notes: set[str]) -> str:
    """Return the field's name, or #position when it has none that is text."""
    name = scalar_text(raw_name) if raw_name is not None else None
    if name is None or not name.strip():
        notes.add("unnamed_field")
        return f"#{position}"
    return shorten(name.strip(), MAX_NAME_LENGTH, notes)


def parse_fields(data: Any, notes: set[str]) -> dict[str, str]:
    """Return the lead's fields as a name -> text mapping within the limits."""
    pairs = field_pairs(data, notes)
    if len(pairs) > MAX_FIELDS:
        notes.add("too_many_fields")
        del pairs[MAX_FIELDS:]
    fields: dict[str, str] = {}
    for position, (raw_name, raw_value) in enumerate(pairs, start=1):
        if (text := field_text(raw_value, notes)) is None:
            continue
        name = field_name(raw_name, position, notes)
        # Two fields may share a label; keep both.
        unique_name, number = name, 1
        while unique_name in fields:
            number += 1
            unique_name = f"{name} ({number})"
        fields[unique_name] = shorten(text, MAX_VALUE_LENGTH, notes)
    return fields


def parse_submitted_at(value: Any, received_at: datetime, notes: set[str]) -> datetime:
    """Return Flipsnack's datetime (UTC) as an aware datetime in UTC.

    Flipsnack does not document the format. A lead matters more than its exact time, so a
    missing time, or one that is no ISO 8601 date and time, is replaced by the time the
    lead arrived, which is seconds after the submission.
    """
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            # A time near the ends of the calendar can fall outside it in UTC.
            return parsed.astimezone(UTC)
        except ValueError, OverflowError:
            pass
    notes.add("unparsed_datetime")
    return received_at


def parse_hash(value: Any, notes: set[str]) -> str | None:
    """Return the flipbook's hash, or None when it is no short text."""
    if isinstance(value, str) and value.strip() and len(value) <= MAX_HASH_LENGTH:
        return value.strip()
    notes.add("invalid_flipbook_hash")
    return None


def parse_title(
    value: Any,
    flipbook_hash: str | None,
    flipbook_titles: Mapping[str, str | None],
    notes: set[str],
) -> str | None:
    """Return the flipbook's title, else the listing's title for its hash, or the hash."""
    if isinstance(value, str) and value.strip():
        return shorten(value.strip(), MAX_TITLE_LENGTH, notes)
    notes.add("missing_flipbook_title")
    if flipbook_hash is None:
        return None
    title = flipbook_titles.get(flipbook_hash) or flipbook_hash
    return shorten(title, MAX_TITLE_LENGTH, notes)


def _parse_timestamp(value: Any, notes: set[str]) -> float | None:
    # An integer of any size is finite; math.isfinite would not even take a huge one.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    notes.add("invalid_timestamp")
    return None


def parse_lead(
    payload: Any,
    *,
    received_at: datetime,
    flipbook_titles: Mapping[str, str | None] | None = None,
) -> tuple[Lead, set[str]]:
    """Return the lead in a parsed webhook body, and notes on what was changed in it.

    flipbook_titles are the titles the listing knows, by hash: the title of a lead
    posted without one.

    Raises:
        PostIgnoredError: the body is not a lead form at all.
    """
    if not isinstance(payload, dict):
        raise PostIgnoredError("not_object")
    if (kind := payload.get("type")) != "contact":
        # The same URL receives the workspace's orders, and maybe other types later.
        raise PostIgnoredError("order" if kind == "orders" else "unknown_type")
    notes: set[str] = set()
    flipbook_hash = parse_hash(payload.get("flipbook_hash"), notes)
    posted_datetime = payload.get("datetime")
    lead = Lead(
        flipbook_hash=flipbook_hash,
        flipbook_title=parse_title(
            payload.get("flipbook_title"), flipbook_hash, flipbook_titles or {}, notes
        ),
        timestamp=_parse_timestamp(payload.get("timestamp"), notes),
        submitted_at=parse_submitted_at(posted_datetime, received_at, notes),
        fields=parse_fields(payload.get("data"), notes),
        posted_datetime=posted_datetime if isinstance(posted_datetime, str) else None,
    )
    return lead, notes
