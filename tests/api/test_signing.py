"""Tests for signing Flipsnack requests."""

import hashlib

from custom_components.flipsnack.api import sign
from tests.const import API_KEY, API_SECRET


def _md5(text: str) -> str:
    """Return the MD5 of the UTF-8 text as lowercase hex."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def test_documented_example() -> None:
    """The signature matches the worked example of the Flipsnack docs."""
    params = {
        "action": "collection.getCollection",
        "apiKey": API_KEY,
        "collectionHash": "fxh4k89",
    }

    assert sign(API_SECRET, params) == "26e781d3d1751d82ec284acf4a019def"


def test_signature_and_file_are_not_signed() -> None:
    """The signature itself and an upload's file stay out of the signature."""
    params = {
        "action": "collection.getCollection",
        "apiKey": API_KEY,
        "collectionHash": "fxh4k89",
        "signature": "0123456789abcdef0123456789abcdef",
        "file": "document.pdf",
    }

    assert sign(API_SECRET, params) == "26e781d3d1751d82ec284acf4a019def"


def test_names_sort_by_code_point() -> None:
    """Upper case names sort before lower case ones, as plain sorted() does."""
    params = {"b": "2", "a": "1", "B": "3"}

    assert sign("secret", params) == _md5("secretB3a1b2")


def test_values_are_signed_as_sent() -> None:
    """Values are signed raw: not URL-encoded, spaces and reserved characters kept."""
    params = {"query": "a b&c=d+e/f%20"}

    assert sign("secret", params) == _md5("secretquerya b&c=d+e/f%20")


def test_non_ascii_values_sign_as_utf8() -> None:
    """A non-ASCII value is hashed as its UTF-8 bytes."""
    params = {"query": "Café ☕"}

    assert sign("secret", params) == _md5("secretqueryCafé ☕")
    # The same, written out: hashing Latin-1 or UTF-16 bytes would give another.
    assert sign("secret", params) == "db1e3890a4c032d0b472dd0495cf70fd"
