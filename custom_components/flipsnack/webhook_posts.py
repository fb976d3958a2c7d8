"""What Flipsnack posts to the workspace webhook, read into models.

Pure Python, free of Home Assistant: the receiver (webhook.py) hands each parsed body to
parse_lead. Flipsnack documents two types of post, lead forms (`contact`) and orders
(`orders`); only lead forms are read so far. A reason for ignoring or changing a post is a
key of REASONS, whose texts never hold the post's content.
"""

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

# Limits that keep one lead small in the state machine, the restore cache and traces.
MAX_BODY_BYTES: Final = 64 * 1024
MAX_FIELDS: Final = 50
MAX_NAME_LENGTH: Final = 100
MAX_VALUE_LENGTH: Final = 1000
MAX_TITLE_LENGTH: Final = 255
MAX_HASH_LENGTH: Final = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Lead:
    """One lead-form submission, validated and trimmed to the limits."""

    flipbook_hash: str
    flipbook_title: str
    timestamp: float
    submitted_at: datetime
    # A reader's personal data: never in a repr, which the dispatcher may log.
    fields: dict[str, str] = field(repr=False)

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
        key = [self.flipbook_hash, self.timestamp, sorted(self.fields.items())]
        return hashlib.sha256(json.dumps(key).encode()).hexdigest()


class PostIgnoredError(Exception):
    """A post that is not a lead form the integration can use."""

    def __init__(self, reason: str) -> None:
        """Keep the reason, one of the keys of REASONS."""
        super().__init__(reason)
        self.reason = reason


# Why a post was ignored or changed: the log level and text, which never hold its content.
REASONS: Final[dict[str, tuple[int, str]]] = {
    "too_large": (logging.WARNING, "the body is larger than 64 kB"),
    "invalid_json": (logging.WARNING, "the body is not JSON"),
    "not_object": (logging.WARNING, "the JSON is not an object"),
    "order": (
        logging.DEBUG,
        "it is an order; the integration only handles lead forms",
    ),
    "unknown_type": (logging.WARNING, "its type is not one Flipsnack documents"),
    "invalid_flipbook_hash": (
        logging.WARNING,
        "flipbook_hash is missing or not a short text",
    ),
    "invalid_flipbook_title": (
        logging.WARNING,
        "flipbook_title is missing or not a text",
    ),
    "invalid_timestamp": (logging.WARNING, "timestamp is missing or not a number"),
    "invalid_datetime": (logging.WARNING, "datetime is missing or not a text"),
    "invalid_data": (
        logging.WARNING,
        (
            "data is neither an object of field names and values nor a list of"
            " name and value pairs"
        ),
    ),
    "duplicate": (
        logging.DEBUG,
        "it repeats a lead received in the last 10 minutes",
    ),
    # The lead is kept in these cases; only the part the text names changes.
    "unparsed_datetime": (
        logging.WARNING,
        (
            "datetime is not a date and time Home Assistant understands; the time"
            " the lead was received is used"
        ),
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


def _shorten(text: str, limit: int, notes: set[str]) -> str:
    """Return text cut to limit characters, noting when it was cut."""
    if len(text) <= limit:
        return text
    notes.add("long_text")
    return f"{text[: limit - 1]}…"


def _field_text(value: Any) -> str:
    """Return a field value as text; lists (several choices) are joined with commas."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and not any(isinstance(v, list | dict) for v in value):
        return ", ".join(_field_text(item) for item in value)
    raise PostIgnoredError("invalid_data")


def _field_pairs(data: Any) -> list[tuple[Any, Any]]:
    """Return the (name, value) pairs of data in either shape Flipsnack may send."""
    if isinstance(data, dict):
        return list(data.items())
    if not isinstance(data, list):
        raise PostIgnoredError("invalid_data")
    pairs: list[tuple[Any, Any]] = []
    for item in data:
        if not isinstance(item, dict):
            raise PostIgnoredError("invalid_data")
        # Lead forms are documented with a name and a value; orders use field_name and
        # field_value, which contact forms may share.
        name = item["name"] if "name" in item else item.get("field_name")
        value = item["value"] if "value" in item else item.get("field_value")
        pairs.append((name, value))
    return pairs


def _parse_fields(data: Any, notes: set[str]) -> dict[str, str]:
    """Return the lead's fields as a name -> text mapping within the limits."""
    pairs = _field_pairs(data)
    if len(pairs) > MAX_FIELDS:
        notes.add("too_many_fields")
        del pairs[MAX_FIELDS:]
    fields: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        if not isinstance(raw_name, str) or not raw_name.strip():
            raise PostIgnoredError("invalid_data")
        name = _shorten(raw_name.strip(), MAX_NAME_LENGTH, notes)
        value = _shorten(_field_text(raw_value), MAX_VALUE_LENGTH, notes)
        # Two fields may share a label; keep both.
        unique_name, number = name, 1
        while unique_name in fields:
            number += 1
            unique_name = f"{name} ({number})"
        fields[unique_name] = value
    return fields


def _parse_submitted_at(value: Any, received_at: datetime, notes: set[str]) -> datetime:
    """Return Flipsnack's datetime (UTC) as an aware datetime in UTC.

    Flipsnack does not document the format. A lead matters more than its exact time, so a
    text that is no ISO 8601 date and time is replaced by the time the lead arrived, which
    is seconds after the submission.
    """
    if not isinstance(value, str):
        raise PostIgnoredError("invalid_datetime")
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        # A time near the ends of the calendar can fall outside it in UTC.
        return parsed.astimezone(UTC)
    except ValueError, OverflowError:
        notes.add("unparsed_datetime")
        return received_at


def parse_lead(payload: Any, *, received_at: datetime) -> tuple[Lead, set[str]]:
    """Return the lead in a parsed webhook body, and notes on what was changed in it.

    Raises:
        PostIgnoredError: the body is not a lead form the integration can use.
    """
    if not isinstance(payload, dict):
        raise PostIgnoredError("not_object")
    if (kind := payload.get("type")) != "contact":
        # The same URL receives the workspace's orders, and maybe other types later.
        raise PostIgnoredError("order" if kind == "orders" else "unknown_type")
    flipbook_hash = payload.get("flipbook_hash")
    if (
        not isinstance(flipbook_hash, str)
        or not flipbook_hash.strip()
        or len(flipbook_hash) > MAX_HASH_LENGTH
    ):
        raise PostIgnoredError("invalid_flipbook_hash")
    title = payload.get("flipbook_title")
    if not isinstance(title, str):
        raise PostIgnoredError("invalid_flipbook_title")
    timestamp = payload.get("timestamp")
    if (
        isinstance(timestamp, bool)
        or not isinstance(timestamp, int | float)
        or not math.isfinite(timestamp)
    ):
        raise PostIgnoredError("invalid_timestamp")
    notes: set[str] = set()
    submitted_at = _parse_submitted_at(payload.get("datetime"), received_at, notes)
    fields = _parse_fields(payload.get("data"), notes)
    lead = Lead(
        flipbook_hash=flipbook_hash.strip(),
        flipbook_title=_shorten(title.strip(), MAX_TITLE_LENGTH, notes),
        timestamp=timestamp,
        submitted_at=submitted_at,
        fields=fields,
    )
    return lead, notes
