"""The `sunbeon` command's entry point. Importing the roles takes about half a second (pydantic
builds its validators, pygame and FastAPI load); a Ctrl-C in that moment printed a
KeyboardInterrupt traceback through the imports. It ends quietly instead, as a later one does."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from tools.cli import main as run
    except KeyboardInterrupt:
        return 130
    except RuntimeError as err:
        # A Ctrl-C landing in a class's __set_name__ (pydantic's import) reaches us wrapped by
        # Python in "RuntimeError: Error calling __set_name__" (seen on a loaded machine).
        if isinstance(err.__cause__, KeyboardInterrupt):
            return 130
        raise
    return run()


if __name__ == "__main__":
    sys.exit(main())
