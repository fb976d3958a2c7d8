"""A throwaway Home Assistant with this integration, next to a demo Flipsnack.

What `scripts/develop` runs, in a temporary folder and on free ports, for the browser
tests and `scripts/screenshots`: the demo Flipsnack of `tests/demo_flipsnack.py` with still
figures, and `hass` from the virtual environment with `FLIPSNACK_API_URL` pointing at it.
The owner account is made through the onboarding API, so that a browser can log in at
once; the other onboarding steps are marked done beforehand, so that Home Assistant adds
none of the integrations it offers new users (they would call the internet).
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

from scripts.demo_flipsnack import DemoAccount, utc_today
from tests.fake_flipsnack import FakeFigures, FakeFlipsnack

ROOT = Path(__file__).resolve().parents[2]
USERNAME = "demo"
PASSWORD = "demo-password-7832"
OWNER_NAME = "Demo Owner"
ACCOUNT_VIEWS = "sensor.flipsnack_7832_views"

# Home Assistant starts in 10 to 20 seconds; a busy CI machine may take much longer.
START_TIMEOUT = 240.0
STOP_TIMEOUT = 60.0
DEMO_TIMEOUT = 30.0

CONFIGURATION = """\
# A throwaway configuration of the browser tests (tests/browser/sandbox.py).
homeassistant:
  name: Flipsnack demo
  unit_system: metric
  time_zone: UTC
  country: US
  language: en
  currency: EUR
  latitude: 0
  longitude: 0
  elevation: 0

frontend:
config:
history:
logbook:
recorder:
  # Every second instead of every 5, so that imported statistics show sooner.
  commit_interval: 1

logger:
  default: warning
  logs:
    custom_components.flipsnack: debug
"""

# Every onboarding step but the owner's account, which the sandbox makes itself.
ONBOARDING = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config", "analytics", "integration"]},
}


def http_settings(port: int) -> dict[str, Any]:
    """Return Home Assistant's stored HTTP settings for a server on 127.0.0.1:port.

    Since 2026.10 Home Assistant keeps them in .storage/http, and takes `http:` in
    configuration.yaml for a change to confirm in a dialog and a repair. Stored as
    confirmed, they make neither.
    """
    settings = {
        "server_host": ["127.0.0.1"],
        "server_port": port,
        "cors_allowed_origins": ["https://cast.home-assistant.io"],
        "login_attempts_threshold": -1,
        "ip_ban_enabled": True,
        "ssl_profile": "modern",
        "use_x_frame_options": True,
        "created_at": "2026-01-01T00:00:00+00:00",
        "error": None,
        "error_message": None,
    }
    return {
        "version": 2,
        "minor_version": 2,
        "key": "http",
        "data": {"stable": settings, "pending": None, "yaml_migration_done": True},
    }


class SandboxError(Exception):
    """The sandbox could not start, or Home Assistant answered with an error."""


@dataclass(frozen=True)
class ExtraFlipbook:
    """A published flipbook to add to the demo account, with yesterday's figures."""

    hash: str
    title: str
    impressions: int
    views: int
    time_spent: int  # seconds


def write_demo_state(path: Path, extra: Iterable[ExtraFlipbook] = ()) -> None:
    """Write the state file of a fresh demo account, with extra flipbooks.

    The demo loads it at its start, instead of seeding the account itself.
    """
    demo = DemoAccount(FakeFlipsnack(), path)
    today = utc_today()
    demo.seed(today)
    for flipbook in extra:
        figures = FakeFigures(
            impressions=flipbook.impressions,
            views=flipbook.views,
            time_spent=flipbook.time_spent,
        )
        demo.fake.add_flipbook(
            demo.api_key,
            hash=flipbook.hash,
            title=flipbook.title,
            status="public",
            daily={today - timedelta(days=1): figures},
        )
    demo.save()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(
    url: str,
    *,
    data: Any = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
    method: str | None = None,
    timeout: float = 30,
) -> Any:
    """Send a request and return the decoded JSON answer (None for an empty one).

    Raises:
        SandboxError: The server answered with an HTTP error.
    """
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
    req = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - loopback URLs
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            answer = response.read()
    except urllib.error.HTTPError as err:
        text = err.read().decode(errors="replace")[:500]
        path = urllib.parse.urlsplit(url).path
        raise SandboxError(
            f"{req.get_method()} {path} answered {err.code}: {text}"
        ) from err
    return json.loads(answer) if answer else None


@dataclass
class Process:
    """A process the sandbox started, and the file its output goes to."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        """Return whether the process still runs."""
        return self.popen.poll() is None

    def stop(self) -> None:
        """Ask the process to stop, and kill it if it does not in time."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@dataclass
class Sandbox:
    """A running Home Assistant with an owner account, and the demo Flipsnack it uses.

    Attributes:
        workdir: Home Assistant's configuration folder; the demo's state and the logs
            are there too.
        url: Home Assistant's base URL, without a trailing slash.
        demo_url: The demo's root URL, where its /demo controls answer.
        token: An access token of the owner, for the REST and WebSocket APIs.
    """

    workdir: Path
    url: str = ""
    demo_url: str = ""
    token: str = ""
    processes: list[Process] = field(default_factory=list)

    @property
    def log(self) -> Path:
        """Home Assistant's log file."""
        return self.workdir / "home-assistant.log"

    @property
    def demo_state(self) -> Path:
        """The demo's state file."""
        return self.workdir / "flipsnack-demo.json"

    def api(self, method: str, path: str, data: Any = None) -> Any:
        """Call Home Assistant's REST API as the owner."""
        return request(f"{self.url}{path}", data=data, token=self.token, method=method)

    def demo(self, method: str, path: str) -> dict[str, Any]:
        """Call one of the demo's controls, such as ("POST", "/demo/rotate-secret")."""
        answer: dict[str, Any] = request(f"{self.demo_url}{path}", method=method)
        return answer

    def demo_account(self) -> dict[str, Any]:
        """Return the demo's API key, current API secret and account totals."""
        return self.demo("GET", "/demo/account")

    def demo_flipbooks(self) -> dict[str, dict[str, Any]]:
        """Return the demo's flipbooks by title, with their statuses and daily figures."""
        state = json.loads(self.demo_state.read_text(encoding="utf-8"))
        return {flipbook["title"]: flipbook for flipbook in state["flipbooks"]}

    def wait_for(
        self, what: str, check: Callable[[], Any], timeout: float = 60.0
    ) -> Any:
        """Wait until `check` returns something true and return it, or fail saying what."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            with suppress(SandboxError):
                if result := check():
                    return result
            if time.monotonic() > deadline:
                raise SandboxError(
                    f"{what} did not happen within {timeout:.0f} s;"
                    f" Home Assistant's log is {self.log}"
                )
            time.sleep(0.5)

    def check_alive(self) -> None:
        """Fail if Home Assistant or the demo has exited."""
        for process in self.processes:
            if not process.alive():
                raise SandboxError(
                    f"{process.name} exited with {process.popen.returncode};"
                    f" see {process.log}"
                )

    def entries(self) -> list[dict[str, Any]]:
        """Return the Flipsnack config entries."""
        entries: list[dict[str, Any]] = self.api(
            "GET", "/api/config/config_entries/entry?domain=flipsnack"
        )
        return entries

    def entity_state(self, entity_id: str) -> dict[str, Any]:
        """Return an entity's state, as the REST API answers it."""
        state: dict[str, Any] = self.api("GET", f"/api/states/{entity_id}")
        return state

    def refresh(self, entity_id: str) -> None:
        """Refresh an entity at once, with the action homeassistant.update_entity."""
        self.api(
            "POST",
            "/api/services/homeassistant/update_entity",
            {"entity_id": entity_id},
        )

    def delete_entries(self) -> None:
        """Delete every Flipsnack config entry."""
        for entry in self.entries():
            self.api("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")

    def loaded_entry(self) -> dict[str, Any]:
        """Return the working Flipsnack entry, adding the demo's account if there is none.

        An entry that does not work, because it did not load or waits for
        re-authentication with its sensors unavailable, is deleted and added again.
        """
        entries = self.entries()
        if (
            len(entries) == 1
            and entries[0]["state"] == "loaded"
            and self.entity_state(ACCOUNT_VIEWS)["state"] != "unavailable"
        ):
            return entries[0]
        self.delete_entries()
        entry = self.add_entry()
        self.wait_for(
            "the Flipsnack entry loaded",
            lambda: [e for e in self.entries() if e["state"] == "loaded"],
        )
        return entry

    def set_options(self, menu_option: str, user_input: list[dict[str, Any]]) -> None:
        """Go through the Flipsnack entry's options, from its menu, with these forms."""
        (entry,) = self.entries()
        path = "/api/config/config_entries/options/flow"
        flow = self.api("POST", path, {"handler": entry["entry_id"]})
        result = self.api(
            "POST", f"{path}/{flow['flow_id']}", {"next_step_id": menu_option}
        )
        for form in user_input:
            result = self.api("POST", f"{path}/{flow['flow_id']}", form)
        if result.get("type") != "create_entry":
            raise SandboxError(f"the options did not save: {result}")

    def add_entry(self) -> dict[str, Any]:
        """Add the demo's account through the config flow's REST API; return the entry."""
        account = self.demo_account()
        flow = self.api(
            "POST", "/api/config/config_entries/flow", {"handler": "flipsnack"}
        )
        result: dict[str, Any] = self.api(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {"api_key": account["api_key"], "api_secret": account["api_secret"]},
        )
        if result.get("type") != "create_entry":
            raise SandboxError(f"the demo's credentials made no entry: {result}")
        entry: dict[str, Any] = result["result"]
        return entry

    # Starting and stopping

    def start(self) -> None:
        """Start the demo and Home Assistant, and make the owner account."""
        self._start_demo()
        self._start_home_assistant()
        self.wait_for("Home Assistant serving its API", self._serving, START_TIMEOUT)
        self.token = self._onboard()
        self.wait_for("Home Assistant running", self._running, START_TIMEOUT)

    def stop(self) -> None:
        """Stop Home Assistant, then the demo."""
        for process in reversed(self.processes):
            process.stop()

    def _start_demo(self) -> None:
        ready = self.workdir / "demo-url"
        log = self.workdir / "demo.log"
        # Still figures, so that the browser can be told the exact figures to expect.
        command = [sys.executable, "-m", "tests.demo_flipsnack", "--port", "0"]
        command += ["--state", str(self.demo_state), "--ready-file", str(ready)]
        command += ["--grow-every", "0"]
        with log.open("wb") as output:
            popen = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
            )
        self.processes.append(Process("the demo Flipsnack", popen, log))
        api_url = self.wait_for(
            "the demo Flipsnack answering",
            lambda: ready.is_file() and ready.read_text(encoding="utf-8").strip(),
            DEMO_TIMEOUT,
        )
        self.demo_url = api_url.removesuffix("/").removesuffix("/v1")

    def _start_home_assistant(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        (self.workdir / "configuration.yaml").write_text(
            CONFIGURATION, encoding="utf-8"
        )
        storage = self.workdir / ".storage"
        storage.mkdir(exist_ok=True)
        (storage / "onboarding").write_text(json.dumps(ONBOARDING), encoding="utf-8")
        (storage / "http").write_text(json.dumps(http_settings(port)), encoding="utf-8")
        custom = self.workdir / "custom_components"
        if not custom.exists():
            custom.symlink_to(ROOT / "custom_components")
        hass = Path(sys.executable).parent / "hass"
        log = self.workdir / "stdout.log"
        env = {**os.environ, "FLIPSNACK_API_URL": f"{self.demo_url}/v1/"}
        command = [str(hass), "--config", str(self.workdir)]
        command += ["--log-file", str(self.log)]
        with log.open("wb") as output:
            popen = subprocess.Popen(  # noqa: S603 - hass from our own environment
                command,
                cwd=self.workdir,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(Process("Home Assistant", popen, log))

    def _serving(self) -> bool:
        try:
            request(f"{self.url}/api/onboarding", timeout=5)
        except urllib.error.URLError, ConnectionError, TimeoutError:
            return False
        return True

    def _running(self) -> bool:
        config = self.api("GET", "/api/config")
        return bool(config["state"] == "RUNNING")

    def _onboard(self) -> str:
        """Make the owner account and return an access token for it."""
        client_id = f"{self.url}/"
        user = request(
            f"{self.url}/api/onboarding/users",
            data={
                "client_id": client_id,
                "name": OWNER_NAME,
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            },
        )
        tokens = request(
            f"{self.url}/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": user["auth_code"],
                "client_id": client_id,
            },
        )
        return str(tokens["access_token"])


@contextmanager
def running_sandbox(workdir: Path) -> Iterator[Sandbox]:
    """Run a sandbox in `workdir` (made if missing) and stop it afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(workdir)
    try:
        sandbox.start()
        yield sandbox
    finally:
        sandbox.stop()


def find_chromium() -> str:
    """Return the path of the system's Chromium.

    `FLIPSNACK_CHROMIUM` overrides the search.

    Raises:
        SandboxError: No Chromium is installed.
    """
    if configured := os.environ.get("FLIPSNACK_CHROMIUM"):
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise SandboxError(
        "no Chromium found: install it (Debian and Ubuntu: apt-get install chromium),"
        " or set FLIPSNACK_CHROMIUM to a Chromium or Chrome executable"
    )
