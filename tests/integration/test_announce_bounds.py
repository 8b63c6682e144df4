"""The hall board runs for months: its voice clips, its memory of lines and its queue of calls are
bounded, and it stops at once (it used to keep announcing for 13 s after Ctrl-C)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from display import announce
from display.announce import Announcer, ClipCache, EspeakVoice, SilentVoice
from hardware.audio import Speaker


def test_the_clip_cache_keeps_the_newest_and_deletes_the_rest(tmp_path):
    voice = EspeakVoice(tmp_path)
    voice.cache = ClipCache(kept=3)
    made = [voice.speak(f"{n} 번 고객님", "ko") for n in range(6)]
    assert sorted(tmp_path.glob("*.wav")) == sorted(made[-3:])
    assert voice.speak("5 번 고객님", "ko") == made[-1]  # a recent line is reused, not made again


class SlowVoice:
    """A voice that holds the announcer on its first line until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()

    def speak(self, text: str, language: str) -> Path | None:
        self.started.set()
        self.release.wait(10)
        return None


def test_calls_faster_than_speech_skip_the_oldest_waiting():
    voice = SlowVoice()
    with Announcer(voice, None, chime=False) as board:
        board.call("1001", "1", "ko")
        assert voice.started.wait(5)
        for n in range(1002, 1012):
            board.call(str(n), "1", "ko")
        assert board.skipped == 10 - announce.CALLS_WAITING
        voice.release.set()
        assert board.wait_idle(10)
        said = [s.text for s in board.spoken]
    assert (
        said[0].startswith("천일 번") and said[-1].startswith("천십일 번") and len(said) == 1 + announce.CALLS_WAITING
    )


def test_the_memory_of_spoken_lines_is_bounded():
    with Announcer(SilentVoice(), None, chime=False) as board:
        for n in range(3 * announce.SPOKEN_KEPT):
            board.call(str(1000 + n), "1", "ko")
            board.wait_idle(5)
        assert len(board.spoken) <= 2 * announce.SPOKEN_KEPT
        assert board.spoken[-1].text.startswith("천오백구십구 번")


def test_closing_cuts_the_line_being_spoken_and_removes_the_clips(tmp_path):
    speaker = Speaker(realtime=True)  # SDL's dummy audio plays in real time
    try:
        (tmp_path / "voice").mkdir()
        board = Announcer(EspeakVoice(tmp_path / "voice"), speaker, remove_work=True, work=tmp_path / "voice")
        for n in range(3):
            board.call(str(1001 + n), "3", "vi")  # each: chime, Korean, Vietnamese — seconds of speech
        time.sleep(0.5)
        began = time.monotonic()
        board.close()
        took = time.monotonic() - began
    finally:
        speaker.close()
    assert took < announce.STOP_SECONDS + 0.5, f"close took {took:.1f} s"
    assert not (tmp_path / "voice").exists()
    assert len(board.spoken) < 3  # the queued calls were dropped, not read out


@pytest.mark.parametrize("kept", [1, 5])
def test_the_speaker_remembers_a_bounded_number_of_plays(tmp_path, kept, monkeypatch):
    from hardware import audio

    monkeypatch.setattr(audio, "PLAYED_KEPT", kept)
    chime = audio.write_chime(tmp_path / "chime.wav")
    speaker = Speaker(realtime=False)
    try:
        for _ in range(20):
            speaker.play(chime)
        assert len(speaker.played) <= 2 * kept
    finally:
        speaker.close()
