"""What the release workflow (.github/workflows/release.yml) does, testable without GitHub.

    python3 scripts/release.py check v0.2.0       the tag's version must be the CHANGELOG's
                                                  newest dated section ("## [0.2.0] - DATE")
    python3 scripts/release.py stamp 0.2.0        writes the version into the manifest
    python3 scripts/release.py zip flipsnack.zip  zips custom_components/flipsnack with its
                                                  files at the zip's root, as HACS installs a
                                                  zip_release (hacs.json's "filename")
    python3 scripts/release.py notes 0.2.0        prints that version's CHANGELOG section,
                                                  the release's notes

Only the standard library: the workflow runs it before any set-up.
"""

import argparse
import json
from pathlib import Path
import re
import sys
import zipfile

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "flipsnack"
CHANGELOG = ROOT / "CHANGELOG.md"

SEMVER = re.compile(r"\d+\.\d+\.\d+")
# A released section of the changelog (Keep a Changelog): "## [0.2.0] - 2026-12-04".
DATED_SECTION = re.compile(
    r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$",
    re.MULTILINE,
)
# Files that are never part of a release.
LEFT_OUT = {"__pycache__", ".DS_Store"}


class ReleaseError(Exception):
    """The release cannot be made as asked."""


def newest_dated_version(changelog: str) -> str | None:
    """Return the version of the first dated section, or None if every one is unreleased."""
    if match := DATED_SECTION.search(changelog):
        return match.group("version")
    return None


def tag_version(tag: str) -> str:
    """Return the version a tag such as v0.2.0 names."""
    if not (match := re.fullmatch(r"v(\d+\.\d+\.\d+)", tag)):
        raise ReleaseError(f"{tag!r} is not a version tag such as v0.2.0")
    return match.group(1)


def check(tag: str, changelog: str) -> str:
    """Return the tag's version if it is the changelog's newest dated section's."""
    version = tag_version(tag)
    newest = newest_dated_version(changelog)
    if newest is None:
        raise ReleaseError(
            f"CHANGELOG.md has no dated section; add '## [{version}] - YYYY-MM-DD' first"
        )
    if newest != version:
        raise ReleaseError(
            f"the tag is {tag} but CHANGELOG.md's newest dated section is [{newest}]"
        )
    return version


def notes(version: str, changelog: str) -> str:
    """Return the text of a version's dated section, without its heading."""
    for section in DATED_SECTION.finditer(changelog):
        if section.group("version") == version:
            # Up to the next section of any kind, or the link definitions at the end.
            rest = changelog[section.end() :]
            end = re.search(r"^## |^\[[^\]]+\]: ", rest, re.MULTILINE)
            return (rest[: end.start()] if end else rest).strip() + "\n"
    raise ReleaseError(f"CHANGELOG.md has no dated section [{version}]")


def stamp(version: str, integration: Path = INTEGRATION) -> None:
    """Write the version into the manifest, changing nothing else."""
    if not SEMVER.fullmatch(version):
        raise ReleaseError(f"{version!r} is not a version such as 0.2.0")
    path = integration / "manifest.json"
    text, count = re.subn(
        r'^(  "version": )"[^"]*"',
        lambda match: f'{match.group(1)}"{version}"',
        path.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    if count != 1 or json.loads(text)["version"] != version:
        raise ReleaseError(f'{path} has no top-level "version" line to stamp')
    path.write_text(text, encoding="utf-8")


def release_files(integration: Path = INTEGRATION) -> list[Path]:
    """Return the integration's files that a release holds, sorted."""
    return sorted(
        path
        for path in integration.rglob("*")
        if path.is_file()
        and not LEFT_OUT & set(path.relative_to(integration).parts)
        and path.suffix != ".pyc"
    )


def make_zip(out: Path, integration: Path = INTEGRATION) -> list[str]:
    """Zip the integration's files with manifest.json at the root; return their names."""
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in release_files(integration):
            name = path.relative_to(integration).as_posix()
            archive.write(path, name)
            names.append(name)
    if "manifest.json" not in names:
        raise ReleaseError(f"{integration} has no manifest.json")
    return names


def say(text: str) -> None:
    """Tell what a step did, on stderr (stdout carries the notes)."""
    sys.stderr.write(f"release: {text}\n")


def main(argv: list[str] | None = None) -> int:
    """Run one step of the release; print why it cannot and return 1 if so."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("check").add_argument("tag")
    steps.add_parser("stamp").add_argument("version")
    steps.add_parser("zip").add_argument("out", type=Path)
    steps.add_parser("notes").add_argument("version")
    args = parser.parse_args(argv)
    try:
        if args.step == "check":
            version = check(args.tag, CHANGELOG.read_text(encoding="utf-8"))
            say(f"{args.tag} is CHANGELOG.md's newest section, {version}")
        elif args.step == "notes":
            sys.stdout.write(notes(args.version, CHANGELOG.read_text(encoding="utf-8")))
        elif args.step == "stamp":
            stamp(args.version)
            say(f"manifest.json has version {args.version}")
        else:
            names = make_zip(args.out)
            say(f"{args.out} holds {len(names)} files")
    except ReleaseError as error:
        sys.stderr.write(f"release: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
