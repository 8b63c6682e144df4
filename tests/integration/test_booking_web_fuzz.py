"""HTTP fuzzing of the booking and remote-ticket routes (issue 15), as tests/integration/test_web_fuzz.py
does for the others: any bytes in every path part, query, form field and JSON body end in 2xx/3xx/4xx
— never a 5xx — through the real relay, hub and broker."""

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.integration.test_web_fuzz import FUZZ, RAW, TEXT, check, clerk, form, http, quoted  # noqa: F401

VALUES = st.one_of(TEXT, st.integers(), st.none(), st.lists(TEXT, max_size=2), st.booleans())
BODIES = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={k: VALUES for k in ("service", "date", "slot", "name", "phone")},
    ).map(lambda d: json.dumps(d).encode()),
    RAW,
)


def test_booking_pages_and_api_take_any_input(http, clients):  # noqa: F811
    @FUZZ
    @given(code=RAW, service=RAW, day=RAW, msg=RAW, body=BODIES, csrf=RAW, slot=RAW)
    def run(code, service, day, msg, body, csrf, slot):
        query = f"?service={quoted(service)}&day={quoted(day)}&msg={quoted(msg)}"
        check(http.get("/booking" + query))
        check(http.get(f"/booking/{quoted(code)}{query}"))
        check(http.get(f"/booking/find?code={quoted(code)}"))
        check(http.get(f"/api/bookings/slots?service={quoted(service)}&date={quoted(day)}"))
        check(http.post("/api/bookings", content=body, headers={"content-type": "application/json"}))
        fields = form({"service": service, "day": day, "slot": slot, "csrf": csrf, "name": msg, "phone": code})
        headers = {"content-type": "application/x-www-form-urlencoded"}
        check(http.post("/booking", content=fields, headers=headers))
        check(http.post(f"/booking/{quoted(code)}/change", content=fields, headers=headers))
        check(http.post(f"/booking/{quoted(code)}/cancel", content=fields, headers=headers))
        check(http.get(f"/remote/{quoted(service)}?msg={quoted(msg)}"))
        check(http.post(f"/remote/{quoted(service)}", content=fields, headers=headers))

    run()


def test_console_bookings_take_any_input(clerk, clients):  # noqa: F811
    @FUZZ
    @given(day=RAW, slot=RAW, service=RAW, phone=RAW, name=RAW, counter=st.one_of(st.just(b"3"), RAW))
    def run(day, slot, service, phone, name, counter):
        check(clerk.get(f"/console/{quoted(counter)}/bookings?date={quoted(day)}&msg={quoted(name)}"))
        csrf = clerk.csrf.encode()
        body = form({"service": service, "day": day, "slot": slot, "phone": phone, "name": name, "csrf": csrf})
        check(
            clerk.post(
                f"/console/{quoted(counter)}/bookings",
                content=body,
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
        )

    run()
