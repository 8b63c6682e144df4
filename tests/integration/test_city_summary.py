"""The hub's daily summary for the city: the hand-worked day's figures, when it is due, and on the broker."""

import json
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from hub import summary
from tests.integration.test_report import DAY, small_day  # noqa: F401 - the fixture
from wire import protocol as p


def test_summary_has_the_report_figures(small_day):  # noqa: F811
    hall, rows, _ = small_day
    s = summary.summarize(rows, hall.site.id, DAY, {"cert": "제증명"}, at=1.0, final=True)
    # Round trip through the wire model: what the city decodes is what the hub made.
    again = p.DailySummary.model_validate_json(p.encode(s))
    cert, fam, everything = again.tasks["cert"], again.tasks["family"], again.tasks["all"]
    assert (cert.tickets, cert.served, cert.no_shows, cert.called) == (3, 2, 1, 3)
    assert (cert.wait_p50, cert.wait_p90, cert.wait_mean) == (30.0, 30.0, 25.0)
    assert (fam.tickets, fam.served, fam.wait_p50) == (1, 1, 30.0)
    assert everything.tickets == 4 and everything.no_shows == 1 and everything.served == 3
    assert 0 <= everything.estimate_inside <= 1 and again.final and again.names["cert"] == "제증명"


def test_summary_is_due_hourly_at_close_and_for_the_day_that_ended():
    clock = summary.SummaryClock(now=0.0)
    assert clock.due(1.0, "2026-11-23", True) == []
    assert clock.due(summary.FIRST_AFTER, "2026-11-23", True) == [("2026-11-23", False)]
    assert clock.due(100.0, "2026-11-23", True) == []
    assert clock.due(200.0, "2026-11-23", False) == [("2026-11-23", True)]  # every service closed
    assert clock.due(300.0, "2026-11-23", False) == []
    assert clock.due(400.0, "2026-11-24", False) == [("2026-11-23", True)]  # the day rolled over
    assert clock.due(400.0 + summary.EVERY, "2026-11-24", True) == [("2026-11-24", False)]
    assert summary.stale_date("2026-11-23") == "2026-10-14"


def test_running_hub_publishes_a_retained_summary(hub, clients, broker):
    issued = clients["kiosk-1"].request("issue", service="cert")
    assert issued.status == "ok"
    hub.bus.summary.timer.next_at = 0.0  # due now, instead of 10 s after start
    topic = p.Topics(hub.hall.site.id).summary(hub.service.state.business_date)
    got: list[bytes] = []
    arrived = threading.Event()

    def on_message(c, u, m):
        if m.payload:
            got.append(m.payload)
            arrived.set()

    reader = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    reader.on_message = on_message
    reader.on_connect = lambda c, u, f, rc, pr: c.subscribe(topic, 1)
    reader.connect("127.0.0.1", broker.port)
    reader.loop_start()
    try:
        assert arrived.wait(15), "no summary on the broker"
    finally:
        reader.loop_stop()
        reader.disconnect()
    s = p.DailySummary.model_validate_json(got[-1])
    assert s.site == hub.hall.site.id and s.tasks["all"].tickets >= 1 and s.tasks["cert"].tickets >= 1
    assert json.loads(got[-1])["v"] == 1
