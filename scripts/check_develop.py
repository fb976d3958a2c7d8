"""Checks a freshly started Home Assistant for scripts/develop --check.

Waits until the HTTP server answers, onboards a throwaway owner to get a token, and starts the
Flipsnack config flow through the REST API: that only works when the integration's manifest,
config flow and translations load. Finally the log must hold no error about the integration.
"""

import argparse
import json
import os
from pathlib import Path
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

START_TIMEOUT = 300.0


def request(
    url: str,
    *,
    data: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
) -> Any:
    """Send a request to Home Assistant and return the decoded JSON answer."""
    headers = {}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


def wait_until_serving(url: str, pid: int) -> None:
    """Wait until the onboarding endpoint answers, or fail if Home Assistant died."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("develop --check: Home Assistant exited during start-up")
        try:
            request(f"{url}/api/onboarding")
        except urllib.error.URLError, ConnectionError, TimeoutError:
            time.sleep(1)
        else:
            return
    sys.exit(f"develop --check: nothing answered on {url} within {START_TIMEOUT:.0f} s")


def onboard(url: str) -> str:
    """Create the owner account of the throwaway instance and return an access token."""
    client_id = f"{url}/"
    user = request(
        f"{url}/api/onboarding/users",
        data={
            "client_id": client_id,
            "name": "Develop check",
            "username": "check",
            "password": "develop-check-password",
            "language": "en",
        },
    )
    tokens = request(
        f"{url}/auth/token",
        form={
            "grant_type": "authorization_code",
            "code": user["auth_code"],
            "client_id": client_id,
        },
    )
    return str(tokens["access_token"])


def main() -> None:
    """Run the check; exit non-zero with the reason on failure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--pid", required=True, type=int)
    args = parser.parse_args()

    wait_until_serving(args.url, args.pid)
    token = onboard(args.url)
    handlers = request(
        f"{args.url}/api/config/config_entries/flow_handlers", token=token
    )
    if "flipsnack" not in handlers:
        sys.exit(
            "develop --check: Home Assistant does not list the flipsnack config flow"
        )
    flow = request(
        f"{args.url}/api/config/config_entries/flow",
        data={"handler": "flipsnack", "show_advanced_options": False},
        token=token,
    )
    if flow.get("type") != "form" or flow.get("step_id") != "user":
        sys.exit(f"develop --check: the config flow did not show its form: {flow}")
    fields = [field["name"] for field in flow["data_schema"]]
    if fields != ["api_key", "api_secret"]:
        sys.exit(f"develop --check: unexpected config flow fields {fields}")

    errors = [
        line
        for line in args.log.read_text(encoding="utf-8").splitlines()
        if "flipsnack" in line and (" ERROR " in line or " CRITICAL " in line)
    ]
    if errors:
        sys.exit(
            "develop --check: errors about flipsnack in the log:\n" + "\n".join(errors)
        )
    print(  # noqa: T201
        f"develop --check: Home Assistant served {args.url} and started the Flipsnack "
        "config flow without errors"
    )


if __name__ == "__main__":
    main()
