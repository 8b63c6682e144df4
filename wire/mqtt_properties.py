"""A bound on the MQTT 5 properties paho decodes from a received PUBLISH.

paho-mqtt 2.x decodes properties in pure Python by re-slicing the rest of the packet after each
property (`buffer = buffer[valuelen:]`), payload included: n properties cost n copies of the
packet. A device may attach thousands of user properties to one command (the broker's
`message_size_limit` counts the payload only) and the broker forwards them to the hub: 50
commands with 2,000 user properties each held the hub's network thread for minutes, so every
other kiosk's ticket timed out. Sunbeon's messages carry a response topic, correlation data
and an expiry — a few hundred bytes. Properties past PROPERTIES_LIMIT are not decoded at all:
the message arrives with empty properties and `too_large` set, and the hub drops it unread.
"""

from __future__ import annotations

from paho.mqtt import _packet
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties, VariableByteIntegers

PROPERTIES_LIMIT = 4096  # bytes of properties on one received PUBLISH; ours use < 300


class BoundedProperties(Properties):
    """paho's Properties, decoding a received PUBLISH's properties only when they are small."""

    too_large = 0  # bytes of properties left undecoded (0: decoded as usual)

    def unpack(self, buffer: bytes) -> tuple[BoundedProperties, int]:
        if self.packetType != PacketTypes.PUBLISH:
            return super().unpack(buffer)
        length, head = VariableByteIntegers.decode(buffer)
        if length > PROPERTIES_LIMIT:
            self.clear()
            object.__setattr__(self, "too_large", length)  # paho's __setattr__ takes property names only
            return self, head + length
        # Only the properties, not the payload behind them: each slice paho makes is then small.
        return super().unpack(bytes(buffer[: head + length]))


def install() -> None:
    """Make every paho client in this process decode received PUBLISH properties with a bound."""
    _packet.Properties = BoundedProperties  # type: ignore[misc]  # replacing paho's class is the point


def too_large(message: object) -> int:
    """Bytes of properties a received message carried past the bound (0 when within it)."""
    return getattr(getattr(message, "properties", None), "too_large", 0)
