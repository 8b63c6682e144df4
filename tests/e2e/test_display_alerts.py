"""The public screens speak to visitors: short Korean (and English) alerts by a reason code that fit,
the opening hours in an idle call box, and a counter monitor that never contradicts itself."""

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from display import screens
from display.app import Display
from hardware.screen import Screen
from hub import handler
from hub.domain import queue, view
from tests.screens import check_screen
from wire import config
from wire import protocol as p

ROOT = Path(__file__).resolve().parents[2]
SEOUL = ZoneInfo("Asia/Seoul")
RAW_SOUND = "sound: no sound output: ALSA: Couldn't open audio device: No such file or directory"
# The hall TVs and the counter monitors this project is set up for (landscape TVs, the Pi's 7" panel).
HALL_SIZES = [(1920, 1080), (1366, 768), (1280, 720), (1024, 600), (800, 480)]


def _snapshot(when: datetime, alerts: list[dict], calls: bool = True) -> tuple[config.HallConfig, p.Snapshot]:
    hall = config.load(ROOT / "examples" / "hall.toml")
    now = when.timestamp()
    state = queue.new_day(hall, now - 3600)
    if calls:
        for i in range(12):
            state = handler.handle(
                state,
                "kiosk-1",
                f'{{"v":1,"id":"i{i}","op":"issue","service":"cert"}}'.encode(),
                now - 3000 + i * 60,
                f"t{i:04d}",
            ).state
        for c in ["1", "2", "3"]:
            state = handler.handle(
                state, f"counter-{c}", f'{{"v":1,"id":"n{c}","op":"call_next"}}'.encode(), now - 300, "x"
            ).state
    return hall, p.Snapshot.model_validate_json(p.encode(view.snapshot(state, now, alerts)))


ALERTS = [
    {"device": "kiosk-1", "state": "degraded", "detail": "printer: paper out", "reason": "paper_out"},
    {"device": "hall-display", "state": "degraded", "detail": RAW_SOUND, "reason": "no_sound"},
    {"device": "kiosk-2", "state": "offline", "detail": None},
    {"device": "counter-7", "state": "degraded", "detail": "Traceback (most recent call last): boom"},
]


def test_alert_texts_by_reason_and_never_the_devices_own_words():
    texts = [screens.alert_text(p.Alert.model_validate(a)) for a in ALERTS]
    assert texts == [
        ("1번 키오스크 · 용지 없음", "Kiosk 1 · Out of paper"),
        ("안내 화면 · 음성 안내 불가", "Hall display · No voice announcements"),
        ("2번 키오스크 · 연결 끊김", "Kiosk 2 · Not connected"),
        ("7번 창구 · 점검 필요", "Counter 7 · Needs attention"),
    ]
    # A device of an older release sends no reason: its known phrases still map, the rest does not show.
    legacy = p.Alert(device="hall-display", state="degraded", detail=RAW_SOUND)
    assert screens.alert_text(legacy) == texts[1]


@pytest.mark.parametrize("size", HALL_SIZES, ids=[f"{w}x{h}" for w, h in HALL_SIZES])
def test_hall_board_alerts_are_short_korean_and_fit(size):
    _hall, snap = _snapshot(datetime(2026, 11, 23, 10, 40, tzinfo=SEOUL), ALERTS)
    screen = Screen(size, offscreen=True)
    screens.hall(screen.painter, snap, online=True, flash_call=None, now=snap.at, tz="Asia/Seoul")
    check_screen(screen, f"hall-alerts-{size[0]}x{size[1]}", ["1번 키오스크 · 용지 없음", "Kiosk 1 · Out of paper"])
    drawn = screen.painter.drawn_text()
    shown = sum(1 for t in drawn if " · " in t and ("키오스크" in t or "안내 화면" in t or "창구 ·" in t))
    assert f"외 {4 - shown}건 · {4 - shown} more" in drawn, drawn  # the ones that do not fit are counted
    if size[1] >= 1080:
        assert shown == 3 and "안내 화면 · 음성 안내 불가" in drawn
    # The tasks' rows stay readable beside the alerts.
    assert min(i.size for i in screen.painter.log if i.text == "제증명") >= 0.8 * (size[1] // 36)
    assert not any("ALSA" in t or "sound:" in t or "Traceback" in t or "printer:" in t for t in drawn), drawn
    for item in screen.painter.log:  # nothing runs off the screen's edge
        x, y, w, h = item.rect
        assert x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1], (item.text, item.rect, size)
    alert_rows = [i for i in screen.painter.log if "키오스크 ·" in i.text or "Kiosk" in i.text]
    assert all(i.size >= 10 for i in alert_rows), [(i.text, i.size) for i in alert_rows]


def test_closed_hall_shows_the_next_opening_instead_of_an_empty_call_box():
    friday_night = datetime(2026, 11, 27, 20, 30, tzinfo=SEOUL)
    hall, snap = _snapshot(friday_night, [], calls=False)
    assert all(s.status == "closed" for s in snap.services)
    opening = screens.next_opening(hall, friday_night.timestamp())
    assert opening == datetime(2026, 11, 30, 9, 0, tzinfo=SEOUL)  # Monday: the example hall is closed at weekends
    for size in ((1920, 1080), (1280, 720)):
        screen = Screen(size, offscreen=True)
        screens.hall(
            screen.painter,
            snap,
            online=True,
            flash_call=None,
            now=friday_night.timestamp(),
            tz="Asia/Seoul",
            opening=opening,
        )
        check_screen(
            screen,
            f"hall-closed-{size[0]}x{size[1]}",
            [
                "지금은 업무 시간이 아닙니다",
                "The hall is closed",
                "다음 접수: 11월 30일(월) 09:00",
                "Next tickets: Mon 30 Nov, 09:00",
            ],
        )
    morning = datetime(2026, 11, 24, 7, 0, tzinfo=SEOUL)
    assert screens.next_opening(hall, morning.timestamp()) == datetime(2026, 11, 24, 9, 0, tzinfo=SEOUL)


def test_open_hall_before_the_first_call_shows_its_hours():
    _hall, snap = _snapshot(datetime(2026, 11, 23, 9, 5, tzinfo=SEOUL), [], calls=False)
    screen = Screen((1920, 1080), offscreen=True)
    screens.hall(screen.painter, snap, online=True, flash_call=None, now=snap.at, tz="Asia/Seoul")
    check_screen(screen, "hall-open-no-calls", ["아직 호출된 번호가 없습니다", "업무 시간 09:00~18:00"])


def settle(*displays, until, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for d in displays:
            d.step()
        if until():
            return
        time.sleep(0.02)
    raise AssertionError("the displays did not get there")


def test_counter_monitor_never_says_nobody_waits_beside_a_waiting_count(hub, clients):
    client = hub.client("counter-3")
    display = Display(hub.hall, client, Screen((1280, 720), offscreen=True), mode="counter", counter="3")
    try:
        display.controls.send("call_next").join(10)  # nobody waits yet: the counter opens, idle
        settle(display, until=lambda: client.snapshot.counter("3").status == "open")
        display.draw()
        assert any("대기 인원이 없습니다" in t for t in display.screen.painter.drawn_text())
        clients["kiosk-1"].request("issue", service="cert")  # then a visitor takes a ticket
        settle(display, until=lambda: client.snapshot.counter("3").waiting == 1)
        display.draw()
        drawn = display.screen.painter.drawn_text()
        check_screen(display.screen, "display-counter-one-waiting", ["대기 1명"])
        assert not any("대기 인원이 없습니다" in t or "Nobody waiting" in t for t in drawn), drawn
    finally:
        client.close()


def test_device_reason_reaches_the_board_through_the_hub(hub, clients):
    board = hub.client("hall-display")
    display = Display(hub.hall, board, Screen((1920, 1080), offscreen=True), mode="hall")
    try:
        board.set_status("degraded", RAW_SOUND, reason="no_sound")
        clients["kiosk-1"].set_status("degraded", "printer: cover open", reason="cover_open")
        settle(display, until=lambda: len(board.snapshot.alerts) == 2)
        assert {(a.device, a.reason, a.detail) for a in board.snapshot.alerts} == {
            ("hall-display", "no_sound", RAW_SOUND),
            ("kiosk-1", "cover_open", "printer: cover open"),
        }
        display.draw()
        check_screen(display.screen, "display-hall-reasons", ["안내 화면 · 음성 안내 불가", "1번 키오스크 · 덮개 열림"])
        assert not any("ALSA" in t for t in display.screen.painter.drawn_text())
    finally:
        board.close()


def test_a_task_closed_for_tickets_still_shows_who_waits():
    """After the cut-off the board said only 마감 for 인허가 while 15 people still waited for it."""
    evening = datetime(2026, 11, 23, 17, 55, tzinfo=SEOUL)
    _, snap = _snapshot(evening, [])  # 12 cert tickets issued in the afternoon, 3 called
    cert = next(s for s in snap.services if s.id == "cert")
    assert cert.status == "closed" and cert.waiting == 9
    screen = Screen((1920, 1080), offscreen=True)
    screens.hall(screen.painter, snap, online=True, flash_call=None, now=evening.timestamp(), tz="Asia/Seoul")
    check_screen(screen, "hall-closed-task-waiting", ["9명", "마감"])
    for item in screen.painter.log:
        x, y, w, h = item.rect
        assert x >= 0 and y >= 0 and x + w <= 1920 and y + h <= 1080, (item.text, item.rect)
