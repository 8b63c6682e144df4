"""Remote tickets with a mobile number through the real relay, hub and Mosquitto: the same phone
from a second browser is refused with a sentence, a bad number issues nothing, the cap survives a
hub restart, the hub's database never holds the number, and the form takes any input."""

from __future__ import annotations

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.integration.test_web_fuzz import FUZZ, RAW, check, form, quoted
from wire import protocol as p

PHONE = "010-2345-6789"


def long_queue(web, clients, n: int = 10) -> None:
    for _ in range(n):
        assert clients["kiosk-1"].ask(p.ISSUE, service="cert").status == "ok"
    web.relay.client.wait_for(lambda c: c.snapshot is not None and c.snapshot.service("cert").waiting >= n, 10)


def browser(web) -> tuple[httpx.Client, str]:
    """A new browser (its own cookie) on the remote-ticket page, and the form's token."""
    client = httpx.Client(base_url=web.url, timeout=15, follow_redirects=False)
    page = client.get("/remote/cert?lang=ko")
    assert page.status_code == 200 and 'name="phone"' in page.text
    return client, page.text.split('name="csrf" value="')[1].split('"')[0]


def waiting(web, hub) -> int:
    staff = hub.client("staff")
    try:
        return staff.snapshot.service("cert").waiting
    finally:
        staff.close()


def test_one_phone_one_remote_ticket_a_day_whatever_the_browser(web, hub, clients):
    long_queue(web, clients)
    first, csrf1 = browser(web)
    second, csrf2 = browser(web)
    third, csrf3 = browser(web)
    try:
        taken = first.post("/remote/cert?lang=ko", data={"csrf": csrf1, "phone": PHONE})
        assert taken.status_code == 303 and taken.headers["location"].startswith("/t/"), taken.text
        before = waiting(web, hub)
        again = second.post("/remote/cert?lang=ko", data={"csrf": csrf2, "phone": "01023456789"})
        assert "msg=remote_limit" in again.headers["location"]
        assert "하루에 한 장만" in second.get(again.headers["location"]).text
        # A bad number: a sentence, and nothing issued.
        for bad in ("02-123-4567", "010-1234", "abc", "0" * 50):
            refused = third.post("/remote/cert?lang=ko", data={"csrf": csrf3, "phone": bad})
            assert "msg=invalid_phone" in refused.headers["location"], bad
        shown = third.get("/remote/cert?lang=ko&msg=invalid_phone").text
        assert "010으로 시작하는 휴대전화 번호를 입력해 주십시오. 번호표는 발급되지 않았습니다." in shown
        assert waiting(web, hub) == before
        # Stored, not just remembered: after a restart the phone's cap still holds.
        hub.stop()
        hub.start()
        web.relay.client.wait_for(lambda c: c.online and c.hub_online, 15)
        after = third.post("/remote/cert?lang=ko", data={"csrf": csrf3, "phone": PHONE})
        assert "msg=remote_limit" in after.headers["location"]
        other = third.post("/remote/cert?lang=ko", data={"csrf": csrf3, "phone": "010 9876 5432"})
        assert other.headers["location"].startswith("/t/")  # another phone, a fresh browser: fine
    finally:
        for c in (first, second, third):
            c.close()
    stored = hub.database.read_bytes() + b"".join(f.read_bytes() for f in hub.database.parent.glob("hub.db-*"))
    for number in (b"01023456789", b"01098765432", b"2345-6789"):
        assert number not in stored  # the hub keeps the hash only


def test_the_remote_form_takes_any_input(web, hub, clients):
    long_queue(web, clients, 6)
    client, csrf = browser(web)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    phones = st.one_of(st.sampled_from([b"", b"010-1111-2222", b"01033334444", b"+82 10 1234 5678"]), RAW)

    try:

        @FUZZ
        @given(phone=phones, consent=st.one_of(st.just(b"yes"), RAW), good=st.booleans(), raw=RAW)
        def run(phone, consent, good, raw):
            fields = {"phone": phone, "consent": consent, "csrf": csrf.encode() if good else raw}
            check(client.post("/remote/cert?lang=ko", content=form(fields), headers=headers))
            check(client.get(f"/remote/cert?msg={quoted(raw)}"))

        run()
    finally:
        client.close()
