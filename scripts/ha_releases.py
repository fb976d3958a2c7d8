"""The Home Assistant releases the integration supports, for CI's monthly matrix and setup.

    python3 scripts/ha_releases.py matrix
        One leg for each Home Assistant release month from the floor (hacs.json's
        "homeassistant") to the newest (requirements_newest.txt), at that month's newest
        patch release on PyPI, with the pytest-homeassistant-custom-component release that
        pins it, if there is one, as the JSON of a GitHub Actions matrix:
        {"include": [{"ha": "2026.9.4", "phcc": "0.13.367"}, {"ha": "2026.11.2", "phcc": ""}]}
    python3 scripts/ha_releases.py requirements floor VERSION
        requirements_test_floor.txt with the pytest-homeassistant-custom-component release
        that pins homeassistant==VERSION (scripts/setup --floor with FLIPSNACK_HA_VERSION)
    python3 scripts/ha_releases.py requirements newest VERSION
        requirements_newest.txt with homeassistant==VERSION and without the frontend, which
        must be the one that release names (scripts/setup --newest with FLIPSNACK_HA_VERSION)
    python3 scripts/ha_releases.py frontend
        the home-assistant-frontend requirement of the Home Assistant this Python imports

Only the standard library, and Python 3.11 or newer: scripts/setup runs it with the
system's python3 before the environment exists. It asks
PyPI's JSON API for two release lists (/pypi/NAME/json), and for the metadata
(/pypi/NAME/VERSION/json) of a few pytest-homeassistant-custom-component releases: those
published after each Home Assistant release, until one pins it or pins a newer one.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
import functools
import importlib.util
import json
from pathlib import Path
import re
import sys
from typing import Any
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
PYPI = "https://pypi.org/pypi"
HA = "homeassistant"
PHCC = "pytest-homeassistant-custom-component"
FRONTEND = "home-assistant-frontend"
# How many pytest-homeassistant-custom-component releases after a Home Assistant release
# are read before giving up: it has about one a Home Assistant release, beta or patch.
PHCC_LOOKAHEAD = 30

STABLE = re.compile(r"(\d{4})\.(\d{1,2})\.(\d+)")


class ReleaseLookupError(Exception):
    """PyPI does not have what is asked for."""


def version_key(version: str) -> tuple[int, ...]:
    """Return a version's numbers, to compare versions such as 2026.10.4 and 0.13.375."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def stable(version: str) -> bool:
    """Return whether a Home Assistant version is a release (no beta or dev build)."""
    return STABLE.fullmatch(version) is not None


def month(version: str) -> tuple[int, int]:
    """Return the release month of a Home Assistant version: 2026.10.4 is (2026, 10)."""
    year, minor, *_ = version_key(version)
    return year, minor


def upload_time(files: list[dict[str, Any]]) -> datetime | None:
    """Return when the first file of a release was uploaded; None if it has none left."""
    live = [file for file in files if not file.get("yanked")]
    if not live:
        return None
    return min(datetime.fromisoformat(file["upload_time_iso_8601"]) for file in live)


def newest_patches(
    releases: dict[str, list[dict[str, Any]]], floor: str, newest: str
) -> list[str]:
    """Return each month's newest patch release from floor's month to newest's month."""
    by_month: dict[tuple[int, int], str] = {}
    for version, files in releases.items():
        if not stable(version) or upload_time(files) is None:
            continue
        if not month(floor) <= month(version) <= month(newest):
            continue
        known = by_month.get(month(version))
        if known is None or version_key(version) > version_key(known):
            by_month[month(version)] = version
    return [by_month[key] for key in sorted(by_month)]


def pinned_ha(requires_dist: Iterable[str] | None) -> str | None:
    """Return the Home Assistant version a release's requirements pin exactly."""
    for requirement in requires_dist or ():
        if match := re.fullmatch(
            rf"{HA}\s*==\s*([\w.]+)", requirement.split(";")[0].strip()
        ):
            return match.group(1)
    return None


def phcc_for(ha_version: str, fetch_json: Callable[[str], Any]) -> str | None:
    """Return the pytest-homeassistant-custom-component release pinning ha_version."""
    ha_files = fetch_json(f"{PYPI}/{HA}/json")["releases"].get(ha_version, [])
    published = upload_time(ha_files)
    if published is None:
        raise ReleaseLookupError(f"PyPI has no files of {HA} {ha_version}")
    # A day early, in case the release reached PyPI after the one made from its tag.
    since = published - timedelta(days=1)
    candidates: list[str] = sorted(
        (
            str(version)
            for version, files in fetch_json(f"{PYPI}/{PHCC}/json")["releases"].items()
            if (uploaded := upload_time(files)) is not None and uploaded >= since
        ),
        key=version_key,
    )
    for version in candidates[:PHCC_LOOKAHEAD]:
        info = fetch_json(f"{PYPI}/{PHCC}/{version}/json")["info"]
        pinned = pinned_ha(info.get("requires_dist"))
        if pinned == ha_version:
            return version
        # Releases for newer Home Assistant releases follow: there is none for this one.
        if pinned and stable(pinned) and version_key(pinned) > version_key(ha_version):
            return None
    return None


def floor_version(root: Path = ROOT) -> str:
    """Return the oldest Home Assistant the integration declares (hacs.json)."""
    return str(json.loads((root / "hacs.json").read_text(encoding="utf-8"))[HA])


def pin(requirements: str, package: str) -> str | None:
    """Return the version a requirements file pins a package to."""
    if match := re.search(rf"^{re.escape(package)}==(\S+)", requirements, re.MULTILINE):
        return match.group(1)
    return None


def repin(requirements: str, package: str, version: str | None) -> str:
    """Return the requirements with the package pinned to version, or left out if None."""
    line = re.compile(rf"^{re.escape(package)}==\S+$", re.MULTILINE)
    if not line.search(requirements):
        raise ReleaseLookupError(f"the requirements pin no {package}")
    if version is None:
        return line.sub(
            f"# {package}: the one the Home Assistant release names", requirements
        )
    return line.sub(f"{package}=={version}", requirements)


def matrix(
    fetch_json: Callable[[str], Any], root: Path = ROOT
) -> dict[str, list[dict[str, str]]]:
    """Return the monthly matrix: each month's newest release and its phcc release, if any."""
    newest = pin((root / "requirements_newest.txt").read_text(encoding="utf-8"), HA)
    if newest is None:
        raise ReleaseLookupError("requirements_newest.txt pins no homeassistant")
    releases = fetch_json(f"{PYPI}/{HA}/json")["releases"]
    legs = [
        {"ha": version, "phcc": phcc_for(version, fetch_json) or ""}
        for version in newest_patches(releases, floor_version(root), newest)
    ]
    if not legs:
        raise ReleaseLookupError(
            f"PyPI lists no {HA} release from the floor to {newest}"
        )
    return {"include": legs}


def requirements_for(
    kind: str, ha_version: str, fetch_json: Callable[[str], Any], root: Path = ROOT
) -> str:
    """Return the floor's or the newest's requirements, made for another HA release."""
    header = f"# Made by scripts/ha_releases.py for Home Assistant {ha_version}.\n"
    if kind == "floor":
        phcc = phcc_for(ha_version, fetch_json)
        if phcc is None:
            raise ReleaseLookupError(
                f"no {PHCC} release pins {HA}=={ha_version}, so the test suite cannot run"
                " on it; check it with FLIPSNACK_HA_VERSION set and"
                " scripts/develop --newest --check"
            )
        text = (root / "requirements_test_floor.txt").read_text(encoding="utf-8")
        return header + repin(text, PHCC, phcc)
    if kind == "newest":
        text = (root / "requirements_newest.txt").read_text(encoding="utf-8")
        return header + repin(repin(text, HA, ha_version), FRONTEND, None)
    raise ReleaseLookupError(f"no requirements of kind {kind!r}: floor or newest")


def frontend_requirement() -> str:
    """Return the frontend the imported Home Assistant names in its frontend's manifest."""
    spec = importlib.util.find_spec(f"{HA}.components.frontend")
    if spec is None or spec.origin is None:
        raise ReleaseLookupError(f"{HA} is not installed here")
    manifest = json.loads(
        (Path(spec.origin).parent / "manifest.json").read_text(encoding="utf-8")
    )
    for requirement in manifest["requirements"]:
        if requirement.startswith(f"{FRONTEND}=="):
            return str(requirement)
    raise ReleaseLookupError(f"the frontend's manifest names no {FRONTEND}")


@functools.cache
def fetch_pypi_json(url: str) -> Any:
    """Return the JSON document PyPI serves at url."""
    if not url.startswith(f"{PYPI}/"):
        raise ReleaseLookupError(f"{url} is not PyPI's JSON API")
    # S310: the URL is PyPI's, over https.
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
        return json.load(response)


def main(argv: list[str]) -> int:
    """Print what the arguments ask for; print why not and return 1 if PyPI lacks it."""
    try:
        match argv:
            case ["matrix"]:
                sys.stdout.write(json.dumps(matrix(fetch_pypi_json)) + "\n")
            case ["requirements", kind, version]:
                sys.stdout.write(requirements_for(kind, version, fetch_pypi_json))
            case ["frontend"]:
                sys.stdout.write(frontend_requirement() + "\n")
            case _:
                sys.stderr.write(f"{__doc__}\n")
                return 2
    except ReleaseLookupError as error:
        sys.stderr.write(f"ha_releases: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
