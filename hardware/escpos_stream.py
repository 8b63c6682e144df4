"""Reads an ESC/POS byte stream as a printer would: raster images, cuts, status requests.

The subset is what tickets use (and what python-escpos sends for them); other ESC and GS
commands are stepped over by their usual lengths, and plain text is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
# Parameter bytes after ESC x / GS x for the commands a receipt printer commonly gets.
ESC_ARGS = {
    0x40: 0,
    0x61: 1,
    0x64: 1,
    0x21: 1,
    0x45: 1,
    0x2D: 1,
    0x4A: 1,
    0x74: 1,
    0x32: 0,
    0x33: 1,
    0x4D: 1,
    0x47: 1,
    0x7B: 1,
    0x56: 1,
    0x52: 1,
    0x70: 3,
}
GS_ARGS = {0x21: 1, 0x42: 1, 0x48: 1, 0x66: 1, 0x68: 1, 0x77: 1, 0x4C: 2, 0x57: 2, 0x61: 1, 0x72: 1}


@dataclass
class Page:
    """What arrived between two cuts."""

    images: list[Image.Image] = field(default_factory=list)
    text: bytearray = field(default_factory=bytearray)

    def render(self) -> Image.Image:
        """The page as one picture: its raster images stacked as the paper would carry them."""
        if not self.images:
            return Image.new("1", (8, 8), 1)
        width = max(i.width for i in self.images)
        sheet = Image.new("1", (width, sum(i.height for i in self.images)), 1)
        y = 0
        for image in self.images:
            sheet.paste(image, (0, y))
            y += image.height
        return sheet


class Decoder:
    """Feed it bytes as they arrive; it answers status requests and reports each cut page."""

    def __init__(self, on_status: Callable[[int], int], on_cut: Callable[[Page], None]) -> None:
        self.on_status, self.on_cut = on_status, on_cut
        self.buffer = bytearray()
        self.page = Page()

    def feed(self, data: bytes) -> bytes:
        """Consume `data`; return the bytes to send back (status replies)."""
        self.buffer += data
        replies = bytearray()
        while self.buffer:
            used = self._step(replies)
            if used == 0:
                break  # a command is incomplete: wait for more bytes
            del self.buffer[:used]
        return bytes(replies)

    def _step(self, replies: bytearray) -> int:
        b = self.buffer
        head = b[0]
        if head == DLE:
            if len(b) < 3:
                return 0
            if b[1] == 0x04:
                replies.append(self.on_status(b[2]))
            return 3
        if head == ESC:
            if len(b) < 2:
                return 0
            size = 2 + ESC_ARGS.get(b[1], 1)
            return size if len(b) >= size else 0
        if head == GS:
            return self._gs(replies)
        if head != LF:
            self.page.text.append(head)
        return 1

    def _gs(self, replies: bytearray) -> int:
        b = self.buffer
        if len(b) < 2:
            return 0
        op = b[1]
        if op == 0x76:  # GS v 0 m xL xH yL yH d1...dk: raster bit image
            if len(b) < 8:
                return 0
            width_bytes, height = b[4] | b[5] << 8, b[6] | b[7] << 8
            size = 8 + width_bytes * height
            if len(b) < size:
                return 0
            raw = bytes(b[8:size])
            # ESC/POS: a set bit is a printed (black) dot; PIL mode "1": 0 is black.
            image = Image.frombytes("1", (width_bytes * 8, height), bytes(x ^ 0xFF for x in raw))
            self.page.images.append(image)
            return size
        if op == 0x56:  # GS V m [n]: cut
            if len(b) < 3:
                return 0
            size = 4 if b[2] in (65, 66) else 3
            if len(b) < size:
                return 0
            page, self.page = self.page, Page()
            self.on_cut(page)
            return size
        if op == 0x28:  # GS ( x pL pH ...: a function with a length
            if len(b) < 5:
                return 0
            size = 5 + (b[3] | b[4] << 8)
            return size if len(b) >= size else 0
        size = 2 + GS_ARGS.get(op, 1)
        return size if len(b) >= size else 0
