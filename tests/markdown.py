"""Reading Markdown as GitHub shows it: headings, sections, code blocks, links and bold text.

The README and the docs pages are tested through these: a line inside a fenced code block
is never a heading, a link or bold text.
"""

import re
from typing import Any

FENCE = re.compile(r"^```(\S*)\s*$")
PICTURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
# A link or a picture: [text](target) or ![description](target).
LINK = re.compile(r"(!?)\[[^\]]*\]\(([^)\s]+)\)")
BOLD = re.compile(r"\*\*([^*]+)\*\*")


def blocks_and_lines(markdown: str) -> list[tuple[str, str | None]]:
    """Return each line with the language of the code block it is in (None outside)."""
    result: list[tuple[str, str | None]] = []
    language: str | None = None
    for line in markdown.splitlines():
        fence = FENCE.match(line)
        if fence and language is None:
            language = fence.group(1) or "text"
            result.append((line, None))
        elif fence and not fence.group(1):
            language = None
            result.append((line, None))
        else:
            result.append((line, language))
    return result


def section(markdown: str, heading: str) -> str:
    """Return the text under a heading, up to the next heading of the same or a higher level.

    Lines inside code blocks never count as headings.
    """
    level = len(heading) - len(heading.lstrip("#"))
    lines = blocks_and_lines(markdown)
    starts = [
        i for i, (line, lang) in enumerate(lines) if lang is None and line == heading
    ]
    assert len(starts) == 1, f"the page needs exactly one heading {heading!r}"
    body = []
    for line, lang in lines[starts[0] + 1 :]:
        match = re.match(r"^(#+) ", line) if lang is None else None
        if match and len(match.group(1)) <= level:
            break
        body.append(line)
    return "\n".join(body)


def code_blocks(markdown: str, language: str) -> list[str]:
    """Return the contents of the fenced code blocks of a language, in order."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line, lang in blocks_and_lines(markdown):
        if lang is None:
            if current is not None:
                blocks.append("\n".join(current))
                current = None
            elif (fence := FENCE.match(line)) and fence.group(1) == language:
                current = []
        elif current is not None:
            current.append(line)
    return blocks


def prose(markdown: str) -> str:
    """Return the text outside code blocks, without inline code."""
    lines = [line for line, lang in blocks_and_lines(markdown) if lang is None]
    return re.sub(r"`[^`\n]*`", "", "\n".join(lines))


def bold(markdown: str) -> list[str]:
    """Return the bold texts (**…**) outside code, in order, each in one line."""
    return BOLD.findall(" ".join(prose(markdown).split()))


def anchors(markdown: str) -> set[str]:
    """Return the anchors GitHub gives the headings of a page."""
    seen: dict[str, int] = {}
    result: set[str] = set()
    for line, lang in blocks_and_lines(markdown):
        heading = re.match(r"^#+ (.+)$", line) if lang is None else None
        if heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower())
        slug = slug.replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(f"{slug}-{count}" if count else slug)
    return result


def links(markdown: str) -> list[tuple[bool, str]]:
    """Return each link and picture as (is a picture, target), outside code."""
    return [(bang == "!", target) for bang, target in LINK.findall(prose(markdown))]


def strings_in(node: Any) -> list[str]:
    """Return every string in a parsed YAML document, keys included."""
    if isinstance(node, dict):
        return [
            text
            for key, value in node.items()
            for text in (*strings_in(key), *strings_in(value))
        ]
    if isinstance(node, list):
        return [text for item in node for text in strings_in(item)]
    return [node] if isinstance(node, str) else []
