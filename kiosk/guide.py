"""What the voice guidance (음성 안내) says, screen by screen and item by item.

Pure: lines as (text, language), in the visitor's chosen language (Korean unless they chose
another). Tasks are read as a numbered list ("1번, 제증명. 2번, 가족관계등록 …"); the number is
the digit that chooses the task on the keypad and the number printed on its card.
"""

from __future__ import annotations

from kiosk.text import LANGUAGE_NAMES, t
from wire.protocol import IssueReply, Snapshot

Line = tuple[str, str]


def cards(snapshot: Snapshot | None) -> list[tuple]:
    """The start screen's cards in their numbered order: each task, then 우선 배려 when offered."""
    services = snapshot.services if snapshot else []
    actions: list[tuple] = [("service", s.id) for s in services]
    if any(s.priority_offered for s in services):
        actions.append(("priority",))
    return actions


def _service_name(snapshot: Snapshot | None, service_id: str, language: str) -> str:
    service = snapshot.service(service_id) if snapshot else None
    if service is None:
        return service_id
    return service.name.get(language) or service.name["ko"]


def item(action: tuple, snapshot: Snapshot | None, language: str, *, on: bool = False) -> list[Line]:
    """What is said when the keypad reaches a control."""
    numbered = cards(snapshot)
    match action:
        case ("service", service_id):
            service = snapshot.service(service_id) if snapshot else None
            name = _service_name(snapshot, service_id, language)
            n = numbered.index(action) + 1 if action in numbered else 0
            if service is not None and service.status == "closed":
                return [(t("say_closed", language, name=f"{n}. {name}" if n else name), language)]
            lines = [(t("say_item", language, n=n, name=name), language)]
            if service is not None:
                low, high = service.estimate_minutes
                wait = t("waiting", language, n=service.waiting) + ", " + t("about", language, low=low, high=high)
                lines.append((wait, language))
                if service.status == "closing":
                    lines.append((t("closing", language), language))
            return lines
        case ("priority",):
            n = numbered.index(action) + 1 if action in numbered else 0
            title = t("say_item", language, n=n, name=t("priority", language))
            said = t("say_selected", language, name=title) if on else title
            return [(said, language), (t("priority_explain", language), language)]
        case ("language", lang):
            return [(LANGUAGE_NAMES.get(lang, lang), lang)]
        case (name,) if name in ("large", "low", "voice", "home", "ok", "continue"):
            label = t(name, language)
            return [(t("say_selected", language, name=label) if on else label, language)]
        case ("staff",):
            return [(t("staff_call", language), language)]
        # The 문자로 알림 받기 step (kiosk/phone_step.py): its offer and the controls of its pad.
        case ("phone",):
            return [(t("phone_offer", language), language)]
        case ("phone_digit", digit):
            return [(str(digit), language)]
        case ("phone_delete",) | ("phone_cancel",):
            return [(t(action[0], language), language)]
        case ("phone_ok",):
            return [(t("ok", language), language)]
    return []


def start(snapshot: Snapshot | None, language: str, *, online: bool) -> list[Line]:
    """The start screen: the prompt, every task as a numbered item, then how the keys work."""
    if not online or snapshot is None:
        return [(t("offline", language), language)]
    lines: list[Line] = [(t("say_start", language), language)]
    for action in cards(snapshot):
        lines += item(action, snapshot, language)[:1]
    lines.append((t("say_keys", language), language))
    return lines


def done(ticket: IssueReply, language: str, *, printed: bool) -> list[Line]:
    """After printing: number, task, how many are ahead, expected wait (repeatable with the help key)."""
    number = ticket.number.replace("-", " ")  # a prefix's hyphen is not read aloud
    if not printed:
        return [(t("say_not_printed", language, number=number), language)]
    service = ticket.service_name.get(language) or ticket.service_name["ko"]
    low, high = ticket.estimate_minutes
    line = t("say_done", language, number=number, service=service, ahead=ticket.ahead, low=low, high=high)
    return [(line, language)]


def still_there(language: str, seconds: int) -> list[Line]:
    """계속하시겠습니까?, and when the screen goes back."""
    return [
        (t("still_there", language), language),
        (t("returning_in", language, n=seconds), language),
        (t("any_key", language), language),
    ]
