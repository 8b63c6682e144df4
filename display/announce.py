"""Announcements: a chime, then the call spoken — queued, so calls never cut each other off and a
burst of calls is spoken in order.

Voices: espeak-ng (offline, Debian package), a folder of recorded clips (a hall's own voice:
`{folder}/{language}/{word}.wav`), or silence. Every spoken line is also logged.
"""

from __future__ import annotations

import logging
import queue as queues
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from display.words import call_texts
from hardware import Device
from hardware.audio import write_chime
from hardware.voice import (  # noqa: F401 - the speech engine moved to hardware/ (the kiosk speaks too)
    ESPEAK_VOICES,
    NUMERAL_SYLLABLES,
    ClipCache,
    ClipVoice,
    EspeakVoice,
    SilentVoice,
    Voice,
    clip_words,
)
from wire.i18n import known

log = logging.getLogger("sunbeon.announce")
SPOKEN_KEPT = 200  # lines remembered in `Announcer.spoken` (for tests and the log; older ones go)
CALLS_WAITING = 3  # calls queued at most: a hall that calls faster than it can speak skips the oldest
STOP_SECONDS = 1.5  # how long close() waits for the line being spoken


@dataclass(frozen=True)
class Spoken:
    """One line the announcer said."""

    text: str
    language: str
    wav: Path | None


class Announcer(Device):
    """Speaks calls one after another on its own thread.

    Bounded in every direction, as a board runs for months: at most CALLS_WAITING calls wait (a
    hall calling faster than speech skips the oldest, logged and counted in `skipped`), the last
    SPOKEN_KEPT lines are remembered, and the clips live in a private folder removed at close
    (`remove_work`, for a folder made for it).
    """

    def __init__(
        self,
        voice: Voice,
        speaker: object | None,
        *,
        chime: bool = True,
        work: Path | None = None,
        remove_work: bool = False,
    ) -> None:
        self.voice, self.speaker = voice, speaker
        self.remove_work = remove_work or work is None
        self.work = work or Path(tempfile.mkdtemp(prefix="sunbeon-voice-"))
        self.chime = write_chime(self.work / "chime.wav") if chime else None
        self.spoken: list[Spoken] = []
        self.skipped = 0
        self.on_spoken: Callable[[Spoken], None] | None = None
        self._closing = False
        self._queue: queues.Queue[list[tuple[str, str]] | None] = queues.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, daemon=True, name="announcer")
        self._thread.start()

    def call(self, number: str, counter: str, language: str, counter_name: str | None = None) -> None:
        """Queue a call: the chime, then Korean, then the visitor's language if it differs."""
        # A language this board does not know (a newer hub, a typo in a config) is said in Korean
        # only: the call itself is never dropped.
        language = known(language)
        texts = call_texts(number, counter, language, counter_name)
        if self._closing:
            return
        self._idle.clear()
        while self._queue.qsize() >= CALLS_WAITING:
            try:
                late = self._queue.get_nowait()
            except queues.Empty:
                break
            if late is not None:
                self.skipped += 1
                if self.skipped % 50 == 1:  # a fast demo skips most: say so, not for every call
                    log.warning(
                        "calls come faster than they can be spoken: %d skipped so far (this one: %s)",
                        self.skipped,
                        late[0][0][:200],
                    )
        self._queue.put([(texts[0], "ko"), *[(text, language) for text in texts[1:]]])

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until everything queued has been said."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            lines = self._queue.get()
            if lines is None:
                return
            try:
                if self.chime and self.speaker:
                    self.speaker.play(self.chime)  # type: ignore[attr-defined]
                for text, language in lines:
                    if self._closing:
                        break
                    wav = self.voice.speak(text, language)
                    if wav and self.speaker:
                        self.speaker.play(wav)  # type: ignore[attr-defined]
                    said = Spoken(text, language, wav)
                    self.spoken.append(said)
                    if len(self.spoken) > 2 * SPOKEN_KEPT:
                        del self.spoken[:-SPOKEN_KEPT]
                    log.info("announced (%s): %s", language, text)
                    if self.on_spoken:
                        self.on_spoken(said)
            except Exception as err:  # noqa: BLE001 - a broken voice must not silence every later call
                log.error("announcement failed: %s", err)
            if self._queue.empty():
                self._idle.set()

    def close(self) -> None:
        """Stop soon: drop what is queued, cut the line being spoken, remove the private clips."""
        self._closing = True
        while True:
            try:
                self._queue.get_nowait()
            except queues.Empty:
                break
        self._queue.put(None)
        stop = getattr(self.speaker, "stop", None)
        if stop is not None:
            stop()
        self._thread.join(STOP_SECONDS)
        if self.remove_work:
            shutil.rmtree(self.work, ignore_errors=True)
        super().close()
