"""The ticker writing frames to viewers' sockets itself (city/relay.py `Frames.fanout`), over real
socket pairs: the same bytes to every viewer one frame behind, a full socket skipped and later caught
up in one piece, and the frame ring kept as bytes within its byte bound after a 100× burst."""

from __future__ import annotations

import asyncio
import json
import socket
import time

from city import pages, relay
from city.config import CityConfig
from city.relay import Frames, Viewer
from city.state import CityState
from city.synthetic import SyntheticHall


def city(n: int) -> tuple[CityState, list[SyntheticHall]]:
    state = CityState(CityConfig(database=":memory:"))
    return state, [SyntheticHall(f"h{i}", f"{i}동 주민센터", seed=i) for i in range(n)]


def publish(state: CityState, halls: list[SyntheticHall], now: float) -> None:
    for h in halls:
        state.apply(f"sunbeon/v1/{h.site}/state/snapshot", json.dumps(h.step(now)).encode(), now)


def unchunk(raw: bytes) -> bytes:
    """The body of an HTTP/1.1 chunked stream (whole chunks only)."""
    out, at = [], 0
    while (end := raw.find(b"\r\n", at)) > 0:
        size = int(raw[at:end], 16)
        if len(raw) < end + 2 + size + 2:
            break
        out.append(raw[end + 2 : end + 2 + size])
        at = end + 2 + size + 2
    return b"".join(out)


def read_all(sock: socket.socket) -> bytes:
    got = b""
    while True:
        try:
            part = sock.recv(1 << 20)
        except BlockingIOError:
            return got
        if not part:
            return got
        got += part


def test_ring_keeps_bytes_within_its_byte_bound_after_a_burst() -> None:
    state, halls = city(60)
    frames = Frames(state, pages.hall_card)
    now = time.time()
    for _ in range(80):  # 100× peak: every hall changes between two ticks
        now += 0.2
        publish(state, halls, now)
        assert frames.tick(now)
    assert len(frames.ring) <= relay.RING
    assert frames.ring_bytes == sum(len(b) for _, enc in frames.ring for b in enc.values()) <= relay.RING_BYTES
    assert all(isinstance(b, bytes) for _, enc in frames.ring for b in enc.values())
    # Only Korean is encoded while nobody watches another language; a viewer in English far behind
    # (frames made before anyone watched in English) gets the whole city, each hall once.
    assert {lang for _, enc in frames.ring for lang in enc} == {"ko"}
    number, chunk = frames.after(frames.ring[0][0], "en", now)
    assert number == frames.number and chunk.count(b"event: hall") == len(halls)


def test_fanout_writes_the_same_frame_to_everyone_and_catches_a_full_socket_up_once() -> None:
    async def go() -> None:
        loop = asyncio.get_running_loop()
        state, halls = city(30)
        frames = Frames(state, pages.hall_card)
        now = time.time()
        publish(state, halls, now)
        frames.tick(now)
        pairs, viewers = [], []
        for _ in range(2):
            ours, phone = socket.socketpair()
            ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            phone.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            phone.setblocking(False)
            transport, _ = await loop.create_connection(asyncio.Protocol, sock=ours)
            transport.set_write_buffer_limits(high=relay.WRITE_HIGH)
            viewer = Viewer(transport, "ko", frames.number)
            frames.viewers.add(viewer)
            pairs.append(phone)
            viewers.append(viewer)
        reader, sleeper = pairs
        got = b""
        # The sleeper never reads: its socket fills, it is skipped from then on and stays behind.
        for _ in range(40):
            now += 0.2
            publish(state, halls[:3], now)
            assert frames.tick(now)
            await asyncio.sleep(0)
            got += read_all(reader)
        assert viewers[0].number == frames.number
        assert viewers[1].number < frames.number and frames.behind
        # Viewers that fell behind together are written one shared bytes object.
        assert frames.missing(viewers[1].number, "ko") is frames.missing(viewers[1].number, "ko")
        assert viewers[1].transport.get_write_buffer_size() <= 2 * relay.WRITE_HIGH + 64 * 1024
        body = unchunk(got)
        assert body.count(b"event: hall") == 40 * 3  # every frame, each whole
        # The phone wakes up and reads; the next tick (even with nothing new) sends it what it missed
        # in one piece, once.
        missed_from = viewers[1].number
        deadline = time.monotonic() + 20
        late = b""
        while viewers[1].transport.get_write_buffer_size() and time.monotonic() < deadline:
            late += read_all(sleeper)
            await asyncio.sleep(0.01)
        assert not frames.tick(now) and viewers[1].number == frames.number and not frames.behind
        await asyncio.sleep(0)
        while time.monotonic() < deadline:
            late += read_all(sleeper)
            if unchunk(late).endswith(frames.after(missed_from, "ko", now)[1]):
                break
            await asyncio.sleep(0.01)
        assert unchunk(late).endswith(frames.after(missed_from, "ko", now)[1])
        for v in viewers:
            v.transport.close()
        for s in pairs:
            s.close()

    asyncio.run(go())


def test_frame_interval_follows_what_the_last_fanout_took() -> None:
    state, _ = city(1)
    frames = Frames(state, pages.hall_card)
    assert frames.interval(0) == relay.TICK
    # Viewers written by the ticker (none sending through ASGI): as long as the writes took.
    frames.fanout_seconds = 0.2  # writing the last frame to every socket took 0.2 s
    assert frames.interval(0) == min(relay.SLOWEST_TICK, relay.FANOUT_SHARE * 0.2)
    frames.fanout_seconds = 5.0
    assert frames.interval(0) == relay.SLOWEST_TICK
    frames.fanout_seconds = 0.0  # viewers sending through ASGI themselves: slower with more of them
    assert frames.interval(10_000) == relay.tick_for(10_000) > relay.TICK
