"""The `sunbeon` command's entry point. Importing the roles and building the argument parser take
about half a second (pydantic builds its validators, pygame and FastAPI load); a Ctrl-C in that
moment printed a KeyboardInterrupt traceback. It ends quietly instead, as a later one does."""

from __future__ import annotations

import sys


def _interrupted(err: BaseException) -> bool:
    """A Ctrl-C landing in a class's __set_name__ (pydantic's import) reaches us wrapped by Python
    in "RuntimeError: Error calling __set_name__" (seen on a loaded machine)."""
    return isinstance(err, KeyboardInterrupt) or isinstance(err.__cause__, KeyboardInterrupt)


def main() -> int:
    try:
        from tools.cli import main as run

        return run()
    except (KeyboardInterrupt, RuntimeError) as err:
        if _interrupted(err):
            return 130
        raise


if __name__ == "__main__":
    sys.exit(main())
