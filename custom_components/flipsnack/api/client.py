"""Asynchronous client for the Flipsnack REST API."""

import asyncio
from http import HTTPStatus
import json
import logging
from typing import Any, Final

import aiohttp
from yarl import URL

from .const import DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT, StatusCode
from .exceptions import (
    FlipsnackApiError,
    FlipsnackConnectionError,
    FlipsnackError,
    FlipsnackFlipbookNotFoundError,
    FlipsnackInvalidApiKeyError,
    FlipsnackInvalidSignatureError,
    FlipsnackMaintenanceError,
    FlipsnackRateLimitError,
    FlipsnackRequestError,
    FlipsnackResponseError,
)
from .models import UserStats
from .signing import sign

LOGGER = logging.getLogger(__package__)

REDACTED: Final = "**REDACTED**"

_ERRORS_BY_CODE: Final[dict[int, type[FlipsnackApiError]]] = {
    StatusCode.MAINTENANCE: FlipsnackMaintenanceError,
    StatusCode.REQUESTS_PER_SECOND_EXCEEDED: FlipsnackRateLimitError,
    StatusCode.REQUESTS_PER_MINUTE_EXCEEDED: FlipsnackRateLimitError,
    StatusCode.INVALID_CREDENTIALS: FlipsnackInvalidApiKeyError,
    StatusCode.FORBIDDEN: FlipsnackFlipbookNotFoundError,
    StatusCode.INVALID_SIGNATURE: FlipsnackInvalidSignatureError,
    StatusCode.INVALID_COLLECTION_HASH: FlipsnackFlipbookNotFoundError,
}


class FlipsnackClient:
    """Client for the Flipsnack REST API of one account."""

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        session: aiohttp.ClientSession,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Initialize the client.

        Args:
            api_key: The API key of the account.
            api_secret: The API secret of the account, used to sign requests.
            session: The session to send requests with; the caller owns it.
            base_url: The URL of the Flipsnack API.
            request_timeout: Seconds a call may take, reading the answer included.
        """
        self._api_key = api_key
        self._api_secret = api_secret
        self._session = session
        self.base_url = base_url
        self.request_timeout = request_timeout

    def __repr__(self) -> str:
        """Describe the client without its credentials."""
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    async def user_stats(self) -> UserStats:
        """Get the statistics totals of the account.

        Raises:
            FlipsnackError: The call failed; the subclass tells why.
        """
        return UserStats.from_api(await self._request("user.getStats"))

    async def _request(self, action: str, **params: str) -> Any:
        """Call an API action and return the `data` of its answer.

        Args:
            action: The API method, such as `user.getStats`.
            **params: The parameters of the action, besides the mandatory ones.

        Returns:
            The `data` of the response envelope, or None when it has none.

        Raises:
            FlipsnackError: The call failed; the subclass tells why.
        """
        query = {"action": action, "apiKey": self._api_key, **params}
        query["signature"] = sign(self._api_secret, query)
        secrets = (self._api_key, self._api_secret, query["signature"])

        LOGGER.debug("Calling Flipsnack action %s", action)
        http_status, body = await self._fetch(action, query, secrets)
        parsed = _parse_envelope(body)
        if parsed is None:
            if http_status >= HTTPStatus.BAD_REQUEST:
                raise FlipsnackResponseError(
                    f"Flipsnack answered {action} with HTTP status {http_status}"
                    " and no API response"
                )
            raise FlipsnackResponseError(
                f"Flipsnack answered {action} with something that is not"
                " an API response"
            )
        code, envelope = parsed
        LOGGER.debug("Flipsnack answered %s with code %s", action, code)
        if code == StatusCode.OK:
            return envelope.get("data")

        status = envelope.get("status")
        if not isinstance(status, str):
            status = "no status text"
        error = _ERRORS_BY_CODE.get(code, FlipsnackRequestError)
        raise error(code, _redact(status, secrets))

    async def _fetch(
        self, action: str, query: dict[str, str], secrets: tuple[str, ...]
    ) -> tuple[int, bytes]:
        """Send the request and return the HTTP status and the body."""
        try:
            async with (
                asyncio.timeout(self.request_timeout),
                self._session.get(self.base_url, params=query) as response,
            ):
                return response.status, await response.read()
        except TimeoutError:
            failure: FlipsnackError = FlipsnackConnectionError(
                f"Timeout while calling Flipsnack action {action}"
            )
        except aiohttp.ClientPayloadError as err:
            failure = FlipsnackResponseError(
                f"Flipsnack answered {action} with an incomplete body:"
                f" {_describe(err, secrets)}"
            )
        except aiohttp.ClientError as err:
            failure = FlipsnackConnectionError(
                f"Error while calling Flipsnack action {action}:"
                f" {_describe(err, secrets)}"
            )
        # aiohttp errors can show the request URL, which carries the API key and
        # the signature. Raising outside the except blocks leaves them out of both
        # __cause__ and __context__.
        raise failure


def _parse_envelope(body: bytes) -> tuple[int, dict[str, Any]] | None:
    """Return the code and the envelope a response body holds, if it is one."""
    try:
        envelope = json.loads(body)
    except ValueError:
        return None
    if not isinstance(envelope, dict):
        return None
    code = envelope.get("code")
    if isinstance(code, str) and code.strip().isdecimal():
        return int(code), envelope
    # bool is an int subclass, but True is no status code.
    if isinstance(code, int) and not isinstance(code, bool):
        return code, envelope
    return None


def _describe(err: aiohttp.ClientError, secrets: tuple[str, ...]) -> str:
    """Describe an aiohttp error without the credentials it may contain."""
    return f"{type(err).__name__}: {_redact(str(err), secrets)}"


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret in a text, also as a URL query shows it."""
    for secret in secrets:
        # An empty secret would match between every two characters.
        if not secret:
            continue
        in_query = URL.build(query={"": secret}).raw_query_string.removeprefix("=")
        text = text.replace(secret, REDACTED).replace(in_query, REDACTED)
    return text
