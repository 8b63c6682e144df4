"""Announcements: a chime, then the call spoken — queued, so calls never cut each other off and a
burst of calls is spoken in order.

Voices: espeak-ng (offline, Debian package), a folder of recorded clips (a hall's own voice:
`{folder}/{language}/{word}.wav`), or silence. Every spoken line is also logged.
"""

from __future__ import annotations

import hashlib
import logging
import queue as queues
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from display.words import call_texts
from hardware import Device, HardwareError
from hardware.audio import write_chime
from wire.i18n import LANGUAGES, known

log = logging.getLogger("sunbeon.announce")
# espeak-ng's voice for each language of the hall: its own code, except Mandarin.
ESPEAK_VOICES = {language: {"zh": "cmn"}.get(language, language) for language in LANGUAGES}
NUMERAL_SYLLABLES = set("영일이삼사오육칠팔구십백천만억")
CLIPS_KEPT = 200  # synthesised lines kept on disk (the day's recent calls; ~100 kB each)
SPOKEN_KEPT = 200  # lines remembered in `Announcer.spoken` (for tests and the log; older ones go)
CALLS_WAITING = 3  # calls queued at most: a hall that calls faster than it can speak skips the oldest
STOP_SECONDS = 1.5  # how long close() waits for the line being spoken


class ClipCache:
    """The WAV files a voice made, newest last; beyond `kept` the oldest file is deleted, so a
    board that runs for months does not fill /tmp with every number it ever said."""

    def __init__(self, kept: int = CLIPS_KEPT) -> None:
        self.kept = kept
        self._files: OrderedDict[Path, None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> Path | None:
        """`path` if it was made and is still kept (and mark it as just used)."""
        with self._lock:
            if path in self._files and path.exists():
                self._files.move_to_end(path)
                return path
            return None

    def add(self, path: Path) -> Path:
        """Keep `path`; delete the least recently used file beyond the limit."""
        with self._lock:
            self._files[path] = None
            self._files.move_to_end(path)
            while len(self._files) > self.kept:
                old, _ = self._files.popitem(last=False)
                old.unlink(missing_ok=True)
        return path

    def __len__(self) -> int:
        return len(self._files)


class Voice(Protocol):
    """Turns a line into a WAV file (None: nothing to play)."""

    def speak(self, text: str, language: str) -> Path | None: ...


class SilentVoice:
    """Says nothing (the call still shows and is logged)."""

    def speak(self, text: str, language: str) -> Path | None:
        """Nothing to play."""
        return None


class EspeakVoice:
    """espeak-ng, offline: a voice for every language of the hall (Mandarin for Chinese)."""

    def __init__(self, folder: Path, *, speed: int = 150) -> None:
        binary = shutil.which("espeak-ng")
        if not binary:
            raise HardwareError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
        self.binary: str = binary
        self.folder, self.speed = folder, speed
        self.cache = ClipCache()

    def speak(self, text: str, language: str) -> Path | None:
        """Synthesise once per line and language; the same call soon after reuses the file."""
        name = hashlib.sha1(f"{language}:{self.speed}:{text}".encode()).hexdigest()[:16]
        path = self.folder / f"{name}.wav"
        if self.cache.get(path) is None:
            voice = ESPEAK_VOICES.get(language, "ko")
            subprocess.run(
                [self.binary, "-v", voice, "-s", str(self.speed), "-w", str(path), text],
                check=True,
                capture_output=True,
                timeout=20,
            )
            self.cache.add(path)
        return path


def clip_words(text: str, language: str) -> list[str]:
    """The clip names a line is made of: words, with Korean numerals split into syllables
    (백십칠 → 백 십 칠) and digits one by one, so a hall records a few dozen clips, not every number."""
    words: list[str] = []
    for word in re.findall(r"\w+", text):
        if (language == "ko" and set(word) <= NUMERAL_SYLLABLES) or word.isdigit():
            words.extend(word)
        else:
            words.append(word)
    return words


class ClipVoice:
    """Recorded clips joined into one line: `{folder}/{language}/{word}.wav`, one WAV format throughout."""

    def __init__(self, folder: Path, work: Path, fallback: Voice | None = None) -> None:
        self.folder, self.work, self.fallback = Path(folder), work, fallback
        self.cache = ClipCache()

    def speak(self, text: str, language: str) -> Path | None:
        """Join the clips of the line's words; fall back (or fail) when a clip is missing."""
        words = clip_words(text, language)
        clips = [self.folder / language / f"{w}.wav" for w in words]
        missing = [c.name for c in clips if not c.exists()]
        if missing:
            if self.fallback:
                return self.fallback.speak(text, language)
            raise HardwareError(f"no recorded clip for {', '.join(missing)} in {self.folder / language}")
        out = self.work / (hashlib.sha1(f"clips:{language}:{text}".encode()).hexdigest()[:16] + ".wav")
        if self.cache.get(out) is not None:
            return out
        with wave.open(str(clips[0])) as first:
            params = first.getparams()
        with wave.open(str(out), "wb") as joined:
            joined.setparams(params)
            for clip in clips:
                with wave.open(str(clip)) as part:
                    if part.getparams()[:3] != params[:3]:
                        raise HardwareError(f"{clip} is not in the same WAV format as the other clips")
                    joined.writeframes(part.readframes(part.getnframes()))
        return self.cache.add(out)


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
