"""The fake printer's ESC/POS decoder reads back exactly what our encoder sends."""

from PIL import Image, ImageDraw

from hardware.escpos_stream import Decoder
from hardware.printer import encode


def picture(width=576, height=300):
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 200, 120), fill=0)
    draw.ellipse((300, 50, 500, 250), fill=0)
    return image


def decode(data: bytes, chunk: int = 4096):
    pages, asked = [], []
    decoder = Decoder(lambda n: asked.append(n) or 0x12, pages.append)
    replies = b"".join(decoder.feed(data[i : i + chunk]) for i in range(0, len(data), chunk))
    return pages, asked, replies


def test_raster_and_cut_round_trip_in_any_chunking():
    image = picture()
    data = encode(image)
    for chunk in (1, 7, 4096, len(data)):
        pages, _, _ = decode(data, chunk)
        assert len(pages) == 1
        assert pages[0].render().tobytes() == image.convert("1").tobytes()


def test_tall_tickets_arrive_in_fragments_and_are_stacked():
    image = picture(384, 2100)
    pages, _, _ = decode(encode(image))
    assert len(pages[0].images) > 1
    assert pages[0].render().size == (384, 2100)
    assert pages[0].render().tobytes() == image.convert("1").tobytes()


def test_status_requests_are_answered_in_order():
    pages, asked, replies = decode(bytes([0x10, 0x04, 1, 0x10, 0x04, 4, 0x10, 0x04, 2]))
    assert asked == [1, 4, 2] and replies == bytes([0x12] * 3) and not pages


def test_text_and_unknown_commands_are_stepped_over():
    pages, _, _ = decode(b"\x1b@\x1ba\x01HELLO\n\x1d!\x11\x1dV\x41\x03")
    assert len(pages) == 1 and bytes(pages[0].text) == b"HELLO"
