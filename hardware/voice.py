"""Speech for every box that talks: the hall board's calls and the kiosk's voice guidance (음성 안내).

Voices turn a line into a WAV: espeak-ng (offline, Debian package), a folder of recorded clips (a
hall's own voice: `{folder}/{language}/{word}.wav`), or silence. `Guide` speaks a kiosk's lines on
its own thread through pygame's mixer on the configured ALSA device (earphone jack or speaker); a
new screen cuts the line being spoken, and volume and speed change between lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import queue as queues
import re
import shutil
import subprocess
import threading
import time
import wave
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

from hardware import Device, HardwareError

log = logging.getLogger("sunbeon.voice")
# espeak-ng's voice per language of the hall, in wire.i18n.LANGUAGES' order (hardware/ imports no
# other package; tests/unit/test_i18n.py checks the two agree): its own code, Mandarin for Chinese.
ESPEAK_VOICES = {"ko": "ko", "en": "en", "zh": "cmn", "vi": "vi", "ru": "ru"}
NUMERAL_SYLLABLES = set("영일이삼사오육칠팔구십백천만억")
CLIPS_KEPT = 200  # synthesised lines kept on disk (the day's recent calls; ~100 kB each)


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
    """espeak-ng, offline: Korean, English, Mandarin and Vietnamese voices."""

    def __init__(self, folder: Path, *, speed: int = 150, volume: int = 100) -> None:
        binary = shutil.which("espeak-ng")
        if not binary:
            raise HardwareError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
        self.binary: str = binary
        self.folder, self.speed, self.volume = folder, speed, volume
        self.cache = ClipCache()

    def speak(self, text: str, language: str) -> Path | None:
        """Synthesise once per line, language, speed and volume; the same line soon after reuses the file."""
        name = hashlib.sha1(f"{language}:{self.speed}:{self.volume}:{text}".encode()).hexdigest()[:16]
        path = self.folder / f"{name}.wav"
        if self.cache.get(path) is None:
            voice = ESPEAK_VOICES.get(language, "ko")
            subprocess.run(
                [self.binary, "-v", voice, "-s", str(self.speed), "-a", str(self.volume), "-w", str(path), text],
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


SPEEDS = (120, 150, 190)  # 느리게, 보통, 빠르게 (words per minute; espeak-ng -s)
VOLUME_STEP = 25


class Guide(Device):
    """A kiosk's voice guidance: `say` replaces whatever was waiting (and cuts the line being
    spoken), so the voice always describes the screen the visitor sees now."""

    def __init__(self, voice: Voice, *, output: str | None = None, volume: int = 100, speed: int = 150) -> None:
        self.voice, self.output = voice, output
        self.volume, self.speed = volume, speed
        self.said: list[tuple[str, str]] = []  # the last lines spoken (for the log and tests)
        self._queue: queues.Queue[tuple[int, str, str] | None] = queues.Queue()
        self._generation = 0
        self._mixer = False
        self._thread = threading.Thread(target=self._run, daemon=True, name="voice-guide")
        self._thread.start()

    def say(self, lines: list[tuple[str, str]], *, interrupt: bool = True) -> None:
        """Speak `lines` ((text, language) each), after cutting what is being said when `interrupt`."""
        if interrupt:
            self._generation += 1
            self._stop_sound()
        for text, language in lines:
            self._queue.put((self._generation, text, language))

    def louder(self, step: int = VOLUME_STEP) -> int:
        """Volume up (0–200, espeak-ng's amplitude); returns the new volume."""
        self.volume = max(0, min(200, self.volume + step))
        self._tune()
        return self.volume

    def next_speed(self) -> int:
        """Slow → normal → fast → slow; returns the new words per minute."""
        later = [s for s in SPEEDS if s > self.speed]
        self.speed = later[0] if later else SPEEDS[0]
        self._tune()
        return self.speed

    def _tune(self) -> None:
        for name in ("speed", "volume"):
            if hasattr(self.voice, name):
                setattr(self.voice, name, getattr(self, name))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            generation, text, language = item
            if generation != self._generation:
                continue  # a newer screen replaced it
            try:
                wav = self.voice.speak(text, language)
                self.said.append((text, language))
                del self.said[:-200]
                log.info("guide (%s): %s", language, text[:200])
                if wav is not None:
                    self._play(wav, generation)
            except Exception as err:  # noqa: BLE001 - a broken voice must not stop the kiosk
                log.error("voice guidance failed on %r: %s", text[:200], err)

    def _play(self, wav: Path, generation: int) -> None:
        import pygame

        if not self._mixer:
            if self.output:  # SDL's ALSA backend opens the device named here (earphone jack or speaker)
                os.environ["AUDIODEV"] = self.output
            pygame.mixer.init()
            self._mixer = True
        sound = pygame.mixer.Sound(str(wav))
        channel = sound.play()
        deadline = time.monotonic() + sound.get_length() + 0.5
        while channel is not None and channel.get_busy() and time.monotonic() < deadline:
            if generation != self._generation:
                channel.stop()
                return
            time.sleep(0.02)

    def _stop_sound(self) -> None:
        if self._mixer:
            import pygame

            with contextlib.suppress(pygame.error):
                pygame.mixer.stop()

    def close(self) -> None:
        """Stop speaking and end the thread."""
        self._generation += 1
        self._stop_sound()
        self._queue.put(None)
        self._thread.join(2)
        super().close()
