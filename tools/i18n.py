"""The message catalogs' tooling (Babel): update, compile, check, and moving a TEXT dict in.

    python -m tools.i18n update               # template from Korean, every language merged, .mo compiled
    python -m tools.i18n compile              # only the .mo files (wire/locale/…)
    python -m tools.i18n check                # complete? placeholders match? .mo current? (exit 1 if not)
    python -m tools.i18n import-table kiosk.staff_text:TEXT --domain kiosk

Korean is the source of the keys: `locale/ko/LC_MESSAGES/<domain>.po` decides which lines exist;
`update` writes `locale/<domain>.pot` from it and merges every other language with it (a new
key arrives empty, a removed one is dropped, a line whose Korean changed is flagged to check).
Runs where Babel is installed (the [test] extra); a kiosk only reads the compiled .mo files
(wire/i18n.py). See docs/i18n.md.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from wire.i18n import CATALOGS, DOMAINS, FALLBACK, LANGUAGE_NAMES, fields, languages_of

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "locale"
WIDTH = 120  # the project's line length: fewer wrapped lines in reviews
TODO = "fuzzy"  # the flag of a line still to translate: not compiled, reported by `check`


def po_path(domain: str, language: str, root: Path = SOURCES) -> Path:
    """Where a domain's catalog source for one language lives."""
    return root / language / "LC_MESSAGES" / f"{domain}.po"


def mo_path(domain: str, language: str, folder: Path = CATALOGS) -> Path:
    """Where its compiled form lives (shipped as package data of wire/)."""
    return folder / language / "LC_MESSAGES" / f"{domain}.mo"


def load(domain: str, language: str, root: Path = SOURCES) -> Catalog:
    """A catalog source, or a new empty one for a language not translated yet."""
    path = po_path(domain, language, root)
    if path.exists():
        with path.open("rb") as file:
            return read_po(file, locale=language, domain=domain)
    return Catalog(
        locale=language,
        domain=domain,
        project="Sunbeon",
        version="1",
        language_team=f"{LANGUAGE_NAMES[language]} <{language}@sunbeon>",
        fuzzy=False,
    )


def save(catalog: Catalog, domain: str, language: str, root: Path = SOURCES) -> None:
    """Write a catalog source in the one layout every tool here writes (so diffs stay small)."""
    path = po_path(domain, language, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.header_comment = (
        f"# Sunbeon (순번): the {domain} lines in {LANGUAGE_NAMES[language]} ({language}).\n"
        "# The keys come from the Korean catalog (locale/ko); how to add a line or a language: docs/i18n.md."
    )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, no_location=True, include_previous=False)
    path.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalog (lines still to translate left out: Korean stands in)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def text_of(message: Message | None) -> str:
    """A message's line ("" when missing; the catalogs here have no plural forms)."""
    return message.string if message is not None and isinstance(message.string, str) else ""


def _note_korean(message: Message, korean: str | None) -> None:
    """Show the translator the Korean line above each entry (#. ko: …)."""
    message.auto_comments = [f"ko: {korean}"] if korean else []


def update(root: Path = SOURCES, folder: Path = CATALOGS) -> None:
    """Template from Korean; every other language merged with it; everything compiled."""
    for domain in DOMAINS:
        korean = load(domain, FALLBACK, root)
        template = Catalog(domain=domain, project="Sunbeon", version="1", fuzzy=False)
        for message in korean:
            if message.id:
                template.add(message.id, auto_comments=message.auto_comments)
        buffer = io.BytesIO()
        write_po(buffer, template, width=WIDTH, no_location=True, omit_header=True)
        (root / f"{domain}.pot").write_bytes(buffer.getvalue())
        for language in languages_of(domain):
            if language == FALLBACK:
                continue
            catalog = load(domain, language, root)
            noted = {m.id: list(m.auto_comments) for m in catalog if m.id}  # update() replaces them
            catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
            for message in catalog:
                if message.id:
                    ko = text_of(korean.get(message.id))
                    # The ids are keys, so gettext cannot see a Korean line change: the Korean noted
                    # above each entry can. A translation of an older Korean line is flagged to check.
                    before = noted.get(message.id)
                    if message.string and before and before != [f"ko: {ko}"]:
                        message.flags.add(TODO)
                    _note_korean(message, ko)
                    if not message.string and TODO not in message.flags:
                        message.flags.add(TODO)
            catalog.obsolete.clear()  # a key removed from Korean is gone (git keeps its history)
            save(catalog, domain, language, root)
    compile_all(root, folder)


def compile_all(root: Path = SOURCES, folder: Path = CATALOGS) -> None:
    """Every catalog source compiled to its .mo file."""
    for domain in DOMAINS:
        for language in languages_of(domain):
            path = mo_path(domain, language, folder)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(compiled(load(domain, language, root)))


def problems(root: Path = SOURCES, folder: Path = CATALOGS) -> list[str]:
    """What keeps the catalogs from shipping: missing or flagged lines, placeholders that differ
    from Korean's, a key Korean lacks, a .mo older than its source."""
    found: list[str] = []
    for domain in DOMAINS:
        korean = {m.id: text_of(m) for m in load(domain, FALLBACK, root) if m.id}
        for language in languages_of(domain):
            catalog = load(domain, language, root)
            lines = {m.id: m for m in catalog if m.id}
            for key, ko in korean.items():
                message = lines.get(key)
                line = text_of(message)
                if message is None or not line:
                    found.append(f"{domain}/{language}: {key!r} is not translated")
                elif message.fuzzy:
                    found.append(f"{domain}/{language}: {key!r} is flagged fuzzy (to check)")
                elif fields(line) != fields(ko):
                    found.append(
                        f"{domain}/{language}: {key!r} has placeholders {sorted(fields(line))},"
                        f" Korean has {sorted(fields(ko))}"
                    )
            for key in sorted(set(lines) - set(korean)):
                found.append(f"{domain}/{language}: {key!r} is not in the Korean catalog")
            mo = mo_path(domain, language, folder)
            if not mo.exists() or mo.read_bytes() != compiled(catalog):
                found.append(f"{domain}/{language}: {mo.relative_to(folder.parent)} is not current: run `make i18n`")
    return found


def import_table(
    table: Mapping[str, Mapping[str, str]], domain: str, *, replace: bool = False, root: Path = SOURCES
) -> list[str]:
    """Append a TEXT-style dict ({key: {language: line}}) to the domain's catalogs.

    A new key gets every language the table has; the others (Russian, usually) are left empty
    and flagged to translate. A key already there gets only its missing lines, unless `replace`.
    Returns what it did not do (conflicting lines), one per line.
    """
    if domain not in DOMAINS:
        raise SystemExit(f"unknown domain {domain!r}: one of {', '.join(DOMAINS)}")
    conflicts: list[str] = []
    catalogs = {language: load(domain, language, root) for language in languages_of(domain)}
    for key, lines in table.items():
        if not lines.get(FALLBACK):
            conflicts.append(f"{key!r}: no Korean line, not imported (Korean comes first)")
            continue
        for language, catalog in catalogs.items():
            line = lines.get(language) or ""
            message = catalog.get(key)
            if message is None:
                message = catalog.add(key, line, flags=() if line else (TODO,))
            elif line and (replace or not message.string or message.fuzzy):
                message.string = line
                message.flags.discard(TODO)
            else:
                if line and message.string != line:
                    conflicts.append(f"{key!r} ({language}): kept {message.string!r}, not {line!r} (use --replace)")
                continue  # its Korean note stays: update() flags it if the Korean line changed
            if language != FALLBACK:
                _note_korean(message, lines[FALLBACK])
    for language, catalog in catalogs.items():
        save(catalog, domain, language, root)
    return conflicts


def _table(spec: str) -> Mapping[str, Mapping[str, str]]:
    module, _, name = spec.partition(":")
    table = getattr(importlib.import_module(module), name or "TEXT")
    if not isinstance(table, Mapping):
        raise SystemExit(f"{spec} is not a dict of {{key: {{language: line}}}}")
    return table


def main(argv: Iterable[str] | None = None) -> int:
    """The command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tools.i18n", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="template from Korean, merge every language, compile")
    commands.add_parser("compile", help="compile the .mo files")
    commands.add_parser("check", help="report incomplete or stale catalogs")
    importing = commands.add_parser("import-table", help="append a TEXT dict to a domain's catalogs")
    importing.add_argument("table", help="module:NAME, e.g. kiosk.staff_text:TEXT")
    importing.add_argument("--domain", required=True, choices=DOMAINS)
    importing.add_argument("--replace", action="store_true", help="overwrite lines already translated")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "update":
        update()
    elif args.command == "compile":
        compile_all()
    elif args.command == "import-table":
        sys.path.insert(0, str(Path.cwd()))
        for conflict in import_table(_table(args.table), args.domain, replace=args.replace):
            print(conflict, file=sys.stderr)
        update()
        print(f"imported {args.table} into the {args.domain} catalogs; run `python -m tools.i18n check`")
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    if args.command == "check":
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
