"""Map a config path such as ("services", 2, "hours", "open") to its line in a TOML file.

tomllib reports line numbers only for syntax errors; a value that parses but is wrong
(an unknown service, a bad time) still deserves "line 42" in its error message.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")


# A place in the file: table and key names, and array indexes (as in a pydantic error's `loc`).
Where = tuple[str | int, ...]


def index_lines(text: str) -> dict[Where, int]:
    """Return {path: line} for every table header and top-level key of each table."""
    lines: dict[Where, int] = {}
    counts: dict[str, int] = {}
    table: Where = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            name = header.group(2).strip('"')
            if header.group(1) == "[[":
                index = counts.get(name, -1) + 1
                counts[name] = index
                table = (*name.split("."), index)
            else:
                table = tuple(name.split("."))
            lines.setdefault(table, number)
            continue
        if key := _KEY.match(line):
            lines.setdefault((*table, key.group(1).strip('"')), number)
    return lines


def line_of(lines: dict[Where, int], path: Where) -> int | None:
    """The line of the longest prefix of path that the file names, or None."""
    for end in range(len(path), 0, -1):
        if (found := lines.get(tuple(path[:end]))) is not None:
            return found
    return None
