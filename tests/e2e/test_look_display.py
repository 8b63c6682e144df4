"""The counter monitor and the hall board, looked at in every state a hall goes through, at both
landscape sizes the halls use: no text leaves the screen or its card, no two texts overlap.

Each screen is saved under out/look/display/ for a person to look at (the contact sheet)."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from display import screens
from hardware.screen import Screen, contrast, inside, overlaps
from wire.protocol import Alert, CallView, CounterView, HelpRequest, ServiceView, Snapshot, TicketView

OUT = Path(__file__).resolve().parents[2] / "out" / "look" / "display"
TZ = "Asia/Seoul"
NOW = datetime(2026, 11, 23, 10, 35, tzinfo=ZoneInfo(TZ)).timestamp()
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}
SITE = {"ko": "강서구청 종합민원실", "en": "Gangseo-gu Office Civil Service Hall"}
NAMES = [
    ("cert", {"ko": "제증명", "en": "Certificates"}),
    ("family", {"ko": "가족관계등록", "en": "Family Registry"}),
    ("passport_apply", {"ko": "여권 접수", "en": "Passport Application"}),
    ("passport_pickup", {"ko": "여권 교부", "en": "Passport Pickup"}),
    ("permit", {"ko": "인허가", "en": "Permits & Licences"}),
]
LONG_NAME = {"ko": "가족관계등록 및 기본증명서 발급", "en": "Family Registry and Basic Certificates"}


def _ticket(number: str, counter: str, *, booked: bool = False, remote: bool = False) -> TicketView:
    return TicketView(
        id=int(number.lstrip("AB") or 1),
        number=number,
        service="cert",
        priority=False,
        channel="kiosk",
        language="ko",
        state="called",
        issued=NOW - 600,
        called=NOW - 5,
        finished=None,
        counter=counter,
        for_counter=None,
        recalls=0,
        ahead_at_issue=3,
        estimate_at_issue=[5, 10],
        business_date="2026-11-23",
        booked=booked,
        remote=remote,
    )


def _service(i: int, status: str, *, long: bool = False, waiting: int = 12) -> ServiceView:
    sid, name = NAMES[i]
    return ServiceView(
        id=sid,
        name=LONG_NAME if long else name,
        status=status,
        waiting=waiting,
        waiting_priority=0,
        queue=[],
        last_called=None,
        estimate_minutes=[105, 180],
        counters_open=2,
        mean_service_seconds=300,
        opens="09:00",
        cutoff="17:50",
        closes="18:00",
        priority_offered=True,
    )


def snapshot(case: str) -> Snapshot:
    """A hall in one of the states the board and monitors must show well."""
    status = {"closed": "closed", "early_close": "closed", "closing": "closing"}.get(case, "open")
    services = [_service(i, status, long=(case == "long" and i == 1)) for i in range(len(NAMES))]
    if case == "early_close":
        services = [s.model_copy(update={"closes": "12:00", "cutoff": "12:00", "waiting": 0}) for s in services]
    if case == "closed":
        services = [s.model_copy(update={"waiting": 0}) for s in services]
    number = {"four_digit": "5999", "booked": "B012", "remote": "1088"}.get(case, "1017")
    counters = []
    calls = []
    for c in range(1, 9 if case == "many_counters" else 6):
        serving = None
        cstatus = "closed" if status == "closed" else "open"
        if case in ("calling", "recall", "four_digit", "booked", "remote", "help", "long", "many_counters", "offline"):
            serving = _ticket(
                number if c == 3 else f"{c}0{c:02d}", str(c), booked=case == "booked", remote=case == "remote"
            )
        if case == "paused" and c == 3:
            cstatus = "paused"
        if case == "paused_serving" and c == 3:
            cstatus, serving = "paused", _ticket(number, "3")
        label = {"ko": f"{c}번 창구", "en": f"Counter {c}"}
        if case == "long" and c == 2:
            label = {"ko": "2번 창구 (가족관계·여권)", "en": "Counter 2 (Family & Passport)"}
        counters.append(
            CounterView(id=str(c), label=label, status=cstatus, services=[["cert"]], serving=serving, waiting=12)
        )
        if serving is not None:
            calls.append(
                CallView(
                    ticket=serving.id,
                    number=serving.number,
                    service="cert",
                    counter=str(c),
                    at=NOW - (0 if c == 3 else 60 * c),
                    recall=case == "recall" and c == 3,
                    language="ko",
                )
            )
    calls.sort(key=lambda call: -call.at)
    alerts: list[Alert] = []
    helping: list[HelpRequest] = []
    if case == "help":
        helping = [HelpRequest(device="kiosk-1", since=NOW - 30), HelpRequest(device="kiosk-2", since=NOW - 10)]
        alerts = [
            Alert(device="kiosk-2", state="degraded", reason="paper_out"),
            Alert(device="counter-4", state="offline"),
        ]
    return Snapshot(
        v=1,
        seq=1,
        site={"name": SITE},
        business_date="2026-11-23",
        at=NOW,
        next_opening=None,
        services=services,
        counters=counters,
        recent_calls=calls,
        alerts=alerts,
        help=helping,
    )


CASES = [
    "idle",
    "calling",
    "recall",
    "paused",
    "paused_serving",
    "closing",
    "closed",
    "early_close",
    "help",
    "booked",
    "remote",
    "long",
    "four_digit",
    "many_counters",
    "offline",
]
NEXT_OPENING = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo(TZ))


def check_layout(screen: Screen, name: str) -> list[str]:
    """What is wrong with a drawn screen: a text off the screen, out of its card, over another, or faint
    (WCAG 4.5:1 against what it sits on)."""
    wrong = []
    whole = (0, 0, screen.width, screen.height)
    log = [d for d in screen.painter.log if d.text.strip()]
    for d in log:
        if not inside(d.rect, whole):
            wrong.append(f"{name}: {d.text!r} leaves the screen {d.rect}")
        elif d.within is not None and not inside(d.rect, d.within):
            wrong.append(f"{name}: {d.text!r} leaves its card {d.rect} ⊄ {d.within}")
        if d.background is not None and contrast(d.color, d.background) < 4.5:
            wrong.append(f"{name}: {d.text!r} has contrast {contrast(d.color, d.background):.1f} (under 4.5)")
    for a, b in itertools.combinations(log, 2):
        if overlaps(a.rect, b.rect):
            wrong.append(f"{name}: {a.text!r} {a.rect} overlaps {b.text!r} {b.rect}")
    return wrong


def draw(mode: str, case: str, size: tuple[int, int]) -> Screen:
    screen = Screen(size, offscreen=True)
    snap = snapshot(case)
    online = case != "offline"
    if mode == "counter":
        notice = "호출 중인 번호가 없습니다 · No one called" if case == "idle" else None
        screens.counter(screen.painter, snap, "3", online=online, flash=False, notice=notice)
    else:
        flash = snap.recent_calls[0].ticket if case == "recall" and snap.recent_calls else None
        opening = NEXT_OPENING if case in ("closed", "early_close") else None
        screens.hall(screen.painter, snap, online=online, flash_call=flash, now=NOW, tz=TZ, opening=opening)
    return screen


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", ["counter", "hall"])
def test_display_text_stays_on_screen_and_apart(mode, size):
    wrong = []
    for case in CASES:
        screen = draw(mode, case, SIZES[size])
        screen.screenshot(OUT / f"{mode}-{case}-{size}.png")
        wrong += check_layout(screen, f"{mode}-{case}-{size}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("size", SIZES)
def test_waiting_screens_fit_in_every_language(size):
    """Before the hub has described the hall, or for a counter the hall does not have: five languages."""
    from display.app import waiting_lines
    from hardware import waiting

    wrong = []
    for name, lines in (
        ("waiting", waiting_lines("waiting.title", "waiting.body")),
        ("unknown_counter", waiting_lines("waiting.unknown_counter")),
    ):
        screen = Screen(SIZES[size], offscreen=True)
        waiting.draw(screen.painter, lines)
        screen.screenshot(OUT / f"{name}-{size}.png")
        wrong += check_layout(screen, f"{name}-{size}")
    assert not wrong, "\n".join(wrong)
