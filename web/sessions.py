"""Sign-outs that hold: a per-counter generation that every session cookie carries.

Signing out raises the counter's generation, so every cookie made before (this PC's, a copied
one, one left open on another PC) stops working at once. The generations are kept in a small
file beside the relay's key, so a restart does not bring old cookies back.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger("sunbeon.web")


class Generations:
    """Each counter's sign-out count."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self.counts: dict[str, int] = {}
        if self.path is not None:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.counts = {str(k): int(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
            except FileNotFoundError:
                pass
            except (OSError, ValueError, TypeError, AttributeError) as err:
                log.error("session generations in %s unreadable (%s): starting from none", self.path, err)
                self.counts = {}

    def current(self, counter: str) -> int:
        """The generation a valid cookie for `counter` must carry."""
        return self.counts.get(counter, 0)

    def sign_out(self, counter: str) -> None:
        """Revoke every session of `counter` made so far."""
        with self._lock:
            self.counts[counter] = self.counts.get(counter, 0) + 1
            self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            spare = self.path.with_name(self.path.name + ".new")
            spare.write_text(json.dumps(self.counts), encoding="utf-8")
            os.replace(spare, self.path)
        except OSError as err:
            # The sign-out still holds until the relay restarts; say so loudly.
            log.error("could not save session sign-outs to %s: %s", self.path, err)
