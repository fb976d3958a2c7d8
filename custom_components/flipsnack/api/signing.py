"""Request signing for the Flipsnack API."""

from collections.abc import Mapping
import hashlib

# The signature cannot sign itself, and uploads leave the file out of it.
UNSIGNED_PARAMS = frozenset({"signature", "file"})


def sign(secret: str, params: Mapping[str, str]) -> str:
    """Compute the signature of a request.

    Args:
        secret: The API secret of the account.
        params: The request parameters, with their values exactly as they are sent.

    Returns:
        The MD5 of the secret followed by every signed name and value, sorted by
        name, as lowercase hex.
    """
    signed = "".join(
        f"{name}{params[name]}"
        for name in sorted(params)
        if name not in UNSIGNED_PARAMS
    )
    return hashlib.md5(f"{secret}{signed}".encode(), usedforsecurity=False).hexdigest()
