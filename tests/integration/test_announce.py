"""The announcement queue: order, text, chime, voices (espeak-ng, recorded clips)."""

import wave

import pytest

from display.announce import Announcer, ClipVoice, EspeakVoice, SilentVoice, clip_words
from hardware import HardwareError
from hardware.audio import Speaker, duration


@pytest.fixture
def speaker():
    s = Speaker(realtime=False)
    yield s
    s.close()


def test_a_burst_of_calls_is_spoken_in_order_with_a_chime_each(tmp_path, speaker):
    with Announcer(EspeakVoice(tmp_path), speaker, work=tmp_path) as announcer:
        announcer.call("1017", "3", "vi")
        announcer.call("117", "12", "ko")
        announcer.call("A007", "2", "en")
        assert announcer.wait_idle(60)
        said = [(s.language, s.text) for s in announcer.spoken]
    assert said == [
        ("ko", "천십칠 번 고객님, 삼 번 창구로 오십시오"),
        ("vi", "Mời số 1017 đến quầy số 3."),
        ("ko", "백십칠 번 고객님, 십이 번 창구로 오십시오"),
        ("ko", "에이 칠 번 고객님, 이 번 창구로 오십시오"),
        ("en", "Number A 0 0 7, please come to counter 2."),
    ]
    names = [p.name for p in speaker.played]
    assert names.count("chime.wav") == 3 and names[0] == "chime.wav" and len(names) == 8
    assert all(duration(p) > 0.5 for p in speaker.played)


def _clip(path, frames=2205):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x01\x00" * frames)


def test_recorded_clips_are_joined_word_by_word(tmp_path, speaker):
    words = clip_words("백십칠 번 고객님, 삼 번 창구로 오십시오", "ko")
    assert words == ["백", "십", "칠", "번", "고객님", "삼", "번", "창구로", "오십시오"]
    for word in set(words):
        _clip(tmp_path / "clips" / "ko" / f"{word}.wav")
    voice = ClipVoice(tmp_path / "clips", tmp_path)
    wav = voice.speak("백십칠 번 고객님, 삼 번 창구로 오십시오", "ko")
    assert duration(wav) == pytest.approx(len(words) * 0.1)
    with pytest.raises(HardwareError, match="no recorded clip for 사"):
        voice.speak("사 번 고객님", "ko")
    with Announcer(ClipVoice(tmp_path / "clips", tmp_path, fallback=SilentVoice()), speaker, work=tmp_path) as a:
        a.call("4", "3", "ko")  # 사 is missing: the fallback speaks (here: silence), the call is still logged
        assert a.wait_idle(10)
        assert a.spoken[0].text == "사 번 고객님, 삼 번 창구로 오십시오" and a.spoken[0].wav is None
