"""The kiosk's layout, measured: every screen in every language, text size, orientation, reach
mode and service state. No text leaves its button or card, no two texts overlap, every text is
at least the rules' size in millimetres at the configured screen size, every text/background
pair has at least 4.5:1 contrast, and in low-position mode every control lies below 120 cm.

Screens are saved under a temporary folder (and the failing ones named in the assertion)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pygame
import pytest

from hardware.screen import Screen, contrast, inside, overlaps
from kiosk import check_in, phone_step, screens
from kiosk.mounting import MIN_LARGE_TEXT_MM, MIN_TEXT_MM, mounting
from kiosk.text import LANGUAGES, t
from kiosk.ticket import qr_image
from wire import config as cfg
from wire.protocol import IssueReply, ServiceView, Snapshot

ROOT = Path(__file__).resolve().parents[2]
NOW = 1795000000.0
# Two real mountings: a 32-inch portrait kiosk at 75 cm (its top is at 146 cm) and a 32-inch
# landscape screen at 90 cm (top at 130 cm): both have controls out of reach unless in low mode.
MOUNTINGS = {
    "portrait": ((1080, 1920), cfg.ScreenMounting(bottom_cm=75, diagonal_inch=32, orientation="portrait")),
    "landscape": ((1920, 1080), cfg.ScreenMounting(bottom_cm=90, diagonal_inch=32, orientation="landscape")),
}
LONG = {  # longer than any name in the example hall, in every language
    "ko": "가족관계등록 및 기본증명서 발급",
    "en": "Family Registry and Basic Certificates",
    "zh": "家庭关系登记及基本证明书签发",
    "vi": "Đăng ký quan hệ gia đình và hộ tịch",
    "ru": "Регистрация семейных отношений и справки",
}


def _snapshot(priority: bool) -> Snapshot:
    hall = cfg.load(ROOT / "examples" / "hall.toml")
    states = ["open", "closing", "closed", "open", "closing"]
    services = []
    for i, (svc, state) in enumerate(zip(hall.services, states, strict=False)):
        services.append(
            ServiceView(
                id=svc.id,
                name=svc.name.all(),
                status=state,
                waiting=123 - i,
                waiting_priority=0,
                queue=[],
                last_called=None,
                estimate_minutes=[105, 180],
                counters_open=2,
                mean_service_seconds=300,
                opens="09:00",
                cutoff="17:50",
                closes="18:00",
                priority_offered=priority,
            )
        )
    long = services[1].model_copy(
        update={"id": "long", "name": {lang: LONG.get(lang, LONG["ko"]) for lang in LANGUAGES}}
    )
    services.insert(2, long)
    return Snapshot(
        v=1,
        seq=1,
        site={"name": hall.site.name.all()},
        business_date="2026-11-23",
        at=NOW,
        services=services,
        counters=[],
        recent_calls=[],
        alerts=[],
    )


TICKET = IssueReply(
    id=1,
    number="1234",
    service="long",
    priority=False,
    channel="kiosk",
    language="ko",
    state="waiting",
    issued=NOW,
    called=None,
    finished=None,
    counter=None,
    for_counter=None,
    recalls=0,
    ahead_at_issue=123,
    estimate_at_issue=[105, 180],
    business_date="2026-11-23",
    token="abcdefabcdef",
    url="http://hall.local:8080/t/abcdefabcdef",
    ahead=123,
    estimate_minutes=[105, 180],
    service_name={lang: LONG.get(lang, LONG["ko"]) for lang in LANGUAGES},
    site_name={"ko": "강서구청 종합민원실"},
    closing_warning=False,
)


PHONE_STATES = {
    "empty": ("", None, False),
    "typed": ("01012345678", None, False),
    "invalid": ("0101234", "invalid_phone", False),
    "sending": ("01012345678", None, True),
    **{o: ("01012345678", o, False) for o in ("registered", "rate_limited", "channel_off", "timeout")},
}


def _phone(digits: str, outcome: str | None, sending: bool) -> phone_step.PhoneStep:
    step = phone_step.PhoneStep(None, "kiosk-1")
    step.digits, step.outcome, step.sending, step.last4 = digits, outcome, sending, digits[-4:] or None
    return step


def check(screen: Screen, targets, m, large: bool, low: bool, name: str) -> list[str]:
    """Every rule on the screen just drawn; the broken ones as lines."""
    p = screen.painter
    problems = []
    whole = (0, 0, screen.width, screen.height)
    floor_mm = MIN_LARGE_TEXT_MM if large else MIN_TEXT_MM
    for d in p.log:
        if not inside(d.rect, d.within or whole):
            problems.append(f"{name}: {d.text!r} {d.rect} leaves its box {d.within}")
        ratio = contrast(d.color, d.background or p.ground)
        if ratio < 4.5:
            problems.append(f"{name}: {d.text!r} contrast {ratio:.2f}:1 ({d.color} on {d.background})")
        if m.mm(d.size) < floor_mm - 0.05:
            problems.append(f"{name}: {d.text!r} is {m.mm(d.size):.1f} mm, under {floor_mm} mm")
    for a, b in itertools.combinations(p.log, 2):
        if overlaps(a.rect, b.rect):
            problems.append(f"{name}: {a.text!r} {a.rect} overlaps {b.text!r} {b.rect}")
    for rect, action in targets:
        if not inside(rect, whole):
            problems.append(f"{name}: control {action} {rect} is off the screen")
        if (low or action == ("low",)) and not m.reachable(rect):
            problems.append(f"{name}: control {action} top at {m.height_cm(rect[1]):.0f} cm, out of reach")
    assert any(a == ("low",) for _, a in targets), f"{name}: no low-position button"
    th = screens.theme(large)
    for fill in (th.card, th.accent):
        if contrast(th.edge, th.background) < 3 and contrast(fill, th.background) < 3:
            problems.append(f"{name}: a control's edge is under 3:1 against the background")
    return problems


@pytest.mark.parametrize("orientation", list(MOUNTINGS))
def test_every_screen_keeps_text_in_its_box_readable_and_within_reach(orientation, tmp_path):
    size, settings = MOUNTINGS[orientation]
    screen = Screen(size, offscreen=True)
    m = mounting(settings, size)
    out = Path(os.environ.get("SUNBEON_LAYOUT_SHOTS", tmp_path))
    qr = qr_image(TICKET.url, min(size) // 4).convert("RGB")
    qr_surface = pygame.image.frombytes(qr.tobytes(), qr.size, "RGB")
    problems: list[str] = []
    drawn = 0
    for language, large, low, priority in itertools.product(LANGUAGES, (False, True), (False, True), (False, True)):
        snap = _snapshot(priority)
        flags = "".join(f"-{name}" for name, on in (("large", large), ("low", low), ("priority", priority)) if on)
        tag = f"{orientation}-{language}{flags}"
        common = {"language": language, "large": large, "low": low, "mount": m}
        look = screens.Look(language, large, low, mount=m)  # the screens that take one Look
        pages = {
            "start": lambda c=common, s=snap, pr=priority: screens.start(
                screen.painter, s, priority=pr, online=True, now=NOW, tz="Asia/Seoul", voice=pr, booking=pr, **c
            ),
        }
        if not priority:  # screens that do not depend on the snapshot: once per look
            pages |= {
                "offline": lambda c=common: screens.start(
                    screen.painter, None, priority=False, online=False, now=NOW, tz="Asia/Seoul", **c
                ),
                "done": lambda c=common: screens.done(screen.painter, TICKET, qr_surface, printed=True, **c),
                "not-printed": lambda c=common: screens.done(screen.painter, TICKET, qr_surface, printed=False, **c),
                "failed": lambda v=look: screens.problem(screen.painter, "failed", v),
                "still-there": lambda c=common: screens.still_there(screen.painter, 20, **c),
                "done-offer": lambda c=common: screens.done(
                    screen.painter, TICKET, qr_surface, printed=True, offer=t("phone_offer", c["language"]), **c
                ),
                "not-printed-offer": lambda c=common: screens.done(
                    screen.painter, TICKET, qr_surface, printed=False, offer=t("phone_offer", c["language"]), **c
                ),
                # 예약 확인 (issue 15): the code keys, and a refusal offering a walk-in ticket.
                "code": lambda v=look: check_in.code_entry(screen.painter, "K7QPM2XA", v),
                # 원격 번호표 확인: an arrival code typed, its confirmed screen, its refusal.
                "code-arrival": lambda v=look: check_in.code_entry(screen.painter, "K7QM2X", v),
                "confirmed": lambda v=look, lang=language: check_in.confirmed(
                    screen.painter, "1234", check_in.confirmed_lines("1234", 123, "waiting", lang), v
                ),
                "confirmed-called": lambda v=look, lang=language: check_in.confirmed(
                    screen.painter, "1234", check_in.confirmed_lines("1234", 0, "called", lang), v
                ),
                "refused-arrival": lambda v=look, lang=language: check_in.refused(
                    screen.painter, check_in.refusal_line("unknown_ticket", lang, None, arrival=True), [], v
                ),
                "refused": lambda v=look, lang=language: check_in.refused(
                    screen.painter,
                    check_in.refusal_line("too_late", lang, None),
                    [("passport", LONG.get(lang, LONG["ko"]))],
                    v,
                ),
            }
            # The phone step: empty, typed with a refusal shown, sending, and each final answer.
            for state, (digits, outcome, sending) in PHONE_STATES.items():
                pages[f"phone-{state}"] = lambda v=look, d=digits, o=outcome, s_=sending: phone_step.draw(
                    screen.painter, _phone(d, o, s_), v
                )
        for page, draw in pages.items():
            targets = draw()
            drawn += 1
            name = f"{page}-{tag}"
            found = check(screen, targets, m, large, low, name)
            if page == "start" and priority and not any(a == ("booking",) for _, a in targets):
                found.append(f"{name}: no 예약·원격 번호표 확인 (bar or card) although the hall offers it")
            problems += found
            # Every screen with SUNBEON_LAYOUT_SHOTS set (PNG compression is most of the time), else
            # the broken ones and the fullest of each language (large, low, priority).
            if os.environ.get("SUNBEON_LAYOUT_SHOTS") or found or (large and low and priority):
                screen.screenshot(out / f"{name}.png")
    assert drawn >= len(LANGUAGES) * (8 * 2 + 2 * 2 + 2 * len(PHONE_STATES)) + len(LANGUAGES) * 4 * 2
    assert not problems, f"{len(problems)} layout problems (screens in {out}):\n" + "\n".join(problems[:40])


def test_a_layout_that_breaks_the_rules_is_caught():
    """The checks themselves: a control placed high and a text over another are reported."""
    size, settings = MOUNTINGS["portrait"]
    screen = Screen(size, offscreen=True)
    m = mounting(settings, size)
    p = screen.painter
    p.clear((255, 255, 255))
    p.min_size = m.min_text_px(False)
    p.box((10, 10, 300, 100), (255, 255, 255))
    p.text("마감", "ko", 40, (160, 60), (200, 30, 30))
    p.text("대기 3명", "ko", 40, (170, 70), (90, 90, 90))
    p.text("아주 긴 글자가 상자를 벗어납니다", "ko", 60, (160, 60), (0, 0, 0))
    problems = check(screen, [((10, 10, 300, 100), ("low",))], m, False, True, "broken")
    text = "\n".join(problems)
    assert "overlaps" in text and "leaves its box" in text and "out of reach" in text
    # 1.65:1 — "마감" in the old large theme (red on dark grey).
    assert contrast((200, 30, 30), (70, 70, 70)) < 1.7
