"""Real nginx (the shipped site config) in front of a real relay (`sunbeon web`), a real hub and
Mosquitto: the status page stays up for a normal visitor while a flood of streams and slow
connections is held. The full size (15,000 + 2,000) is `bench/web.py --flood`; this is the short
version (SUNBEON_FLOOD_STREAMS / SUNBEON_FLOOD_SLOW change it)."""

import asyncio
import os
import shutil
import ssl
import time

import httpx
import pytest

from hub.broker import free_port
from tests.nginx_front import Flood, NginxFront, client_context, raise_file_limit, start_relay, visitor

STREAMS = int(os.environ.get("SUNBEON_FLOOD_STREAMS", "1500"))
SLOW = int(os.environ.get("SUNBEON_FLOOD_SLOW", "200"))
pytestmark = pytest.mark.skipif(not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"),
                                reason="nginx is installed by scripts/setup-system.sh")


@pytest.fixture
def front(hub, hall_file, tmp_path):
    raise_file_limit()
    port = free_port()
    relay = start_relay(hall_file, port)
    nginx = NginxFront(tmp_path, port).start()
    try:
        with httpx.Client(verify=ssl.create_default_context(cafile=str(nginx.cert)), timeout=10) as http:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if http.get(nginx.url + "/api/status").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            else:
                raise AssertionError("the relay behind nginx never answered")
        yield nginx
    finally:
        nginx.stop()
        relay.terminate()
        relay.wait(10)


def test_nginx_front_serves_the_relay_with_tls_headers_and_streams(front, hub):
    context = ssl.create_default_context(cafile=str(front.cert))
    with httpx.Client(verify=context, timeout=10, follow_redirects=False) as http:
        page = http.get(front.url + "/?lang=ko")
        assert page.status_code == 200 and "대기 현황" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert "nginx/" not in page.headers.get("server", "")                 # server_tokens off
        plain = http.get(f"http://127.0.0.1:{front.http_port}/t/x", headers={"Host": "evil.example"})
        assert plain.status_code == 301 and plain.headers["location"] == front.url + "/t/x"   # not the Host
        with http.stream("GET", front.url + "/api/stream") as stream:     # unbuffered: the first event comes at once
            assert stream.status_code == 200
            assert next(stream.iter_lines()) == "event: status"
        too_big = http.post(front.url + "/console/login", content=b"x" * 40000,
                            headers={"content-type": "application/x-www-form-urlencoded"})
        assert too_big.status_code == 413


def test_status_page_stays_up_during_a_flood(front):
    async def run():
        flood = Flood(front.https_port, client_context(front.cert))
        await flood.open(STREAMS, SLOW)
        held = (flood.streams_open, flood.slow_open)
        seen = await visitor(front.url, front.cert, seconds=6)
        still = (flood.streams_open, flood.slow_open)
        await flood.close()
        return flood, held, still, seen

    flood, held, still, seen = asyncio.run(run())
    print(f"\nflood: {held[0]} streams and {held[1]} slow connections held ({still} at the end), "
          f"{flood.streams_refused} streams refused, {flood.slow_dropped} slow ones dropped by nginx, "
          f"stream errors {flood.errors}; visitor: "
          f"{len(seen)} requests, slowest {max(s for _, s in seen) * 1000:.0f} ms")
    assert held[0] >= STREAMS * 0.95 and held[1] >= SLOW * 0.9, (held, flood.errors)   # the flood really was held
    assert seen and all(status == 200 for status, _ in seen), seen
