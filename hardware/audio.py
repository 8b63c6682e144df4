"""The speaker: plays WAV files through pygame's mixer, one at a time, and makes the chime."""

from __future__ import annotations

import contextlib
import math
import struct
import time
import wave
from pathlib import Path

from hardware import Device, HardwareError

RATE = 22050
PLAYED_KEPT = 200  # paths remembered in `Speaker.played` (tests read it; a hall plays for months)


def write_chime(path: str | Path) -> Path:
    """A two-note chime (딩동), as a 16-bit mono WAV; made once, no audio files shipped."""
    path = Path(path)
    frames = bytearray()
    for freq, seconds in ((880.0, 0.45), (698.5, 0.7)):
        count = int(RATE * seconds)
        for i in range(count):
            envelope = math.exp(-3.5 * i / count)
            sample = envelope * (
                math.sin(2 * math.pi * freq * i / RATE) + 0.3 * math.sin(4 * math.pi * freq * i / RATE)
            )
            frames += struct.pack("<h", int(max(-1, min(1, sample * 0.6)) * 32767))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


def duration(path: str | Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


class Speaker(Device):
    """Plays sounds through pygame's mixer (SDL_AUDIODRIVER=dummy plays silently, in real time)."""

    def __init__(self, *, realtime: bool = True) -> None:
        import pygame

        self.realtime = realtime
        try:
            pygame.mixer.init(frequency=RATE, size=-16, channels=1)
        except pygame.error as err:
            raise HardwareError(f"no sound output: {err}") from err
        self.played: list[Path] = []
        self._sounds: dict[Path, object] = {}  # the chime is played for every call: load it once
        self._stopped = False

    def play(self, path: str | Path) -> None:
        """Play a WAV and return when it has finished (at once when not realtime, for tests)."""
        import pygame

        path = Path(path)
        sound = self._sounds.get(path)
        if sound is None:
            sound = pygame.mixer.Sound(str(path))
            if path.name == "chime.wav":
                self._sounds[path] = sound
        if self._stopped:
            return
        channel = sound.play()  # type: ignore[attr-defined]
        self.played.append(path)
        if len(self.played) > 2 * PLAYED_KEPT:
            del self.played[:-PLAYED_KEPT]
        if not self.realtime:
            return
        deadline = time.monotonic() + sound.get_length() + 0.5  # type: ignore[attr-defined]
        while channel is not None and channel.get_busy() and time.monotonic() < deadline and not self._stopped:
            time.sleep(0.02)

    def stop(self) -> None:
        """Cut what is playing and play nothing more (the board is stopping)."""
        import pygame

        self._stopped = True
        with contextlib.suppress(pygame.error):
            pygame.mixer.stop()

    def close(self) -> None:
        """Release the mixer."""
        import pygame

        pygame.mixer.quit()
        super().close()
