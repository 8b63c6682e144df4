"""The screen: a pygame-ce window (fullscreen on the Pi, KMS/DRM without a desktop) and a painter
that draws text in the right font for each language and refuses to draw tofu boxes.

The painter logs what it drew where, so tests check the text of a screen, not just its pixels:
every text's box, its colour, and the filled box it was drawn on (its button or card) with that
box's colour. A layout is then measurable: no text leaves its button, no two texts overlap, and
every text/background pair has its contrast ratio (kiosk rules and WCAG: at least 4.5:1).
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pygame itself is imported where it is used: a Painter in a test starts no display
    import threading

    import pygame
    import pygame.freetype

from hardware import Device, HardwareError
from hardware.fonts import FontMissing, font_for

Color = tuple[int, int, int]
RENDER_CACHE_BYTES = 8 * 1024 * 1024  # rendered lines kept; a 300-pixel number alone is ~1 MB
MEASURED_KEPT = 8_000  # remembered text sizes (~250 bytes each: ~2 MB)


class MissingGlyphs(HardwareError):
    """Text the chosen font cannot draw (it would show tofu boxes)."""


Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class Drawn:
    """One piece of text on the screen, and the filled box it sits on (the screen when none)."""

    text: str
    language: str
    rect: Rect
    size: int
    color: Color = (0, 0, 0)
    within: Rect | None = None
    background: Color | None = None


@dataclass(frozen=True)
class Filled:
    """A filled box (a button, a card, a bar) drawn since the last clear."""

    rect: Rect
    color: Color


def inside(inner: Rect, outer: Rect) -> bool:
    """Whether `inner` lies wholly within `outer`."""
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return x >= ox and y >= oy and x + w <= ox + ow and y + h <= oy + oh


def overlaps(a: Rect, b: Rect) -> bool:
    """Whether two boxes share any pixel."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def luminance(color: Color) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Color, b: Color) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _bytes(item: object) -> int:
    size = getattr(item, "get_size", None)
    if size is None:
        return 0  # a cached fit size, not a surface
    w, h = size()
    return w * h * 4


class Painter:
    """Draws text and boxes on a surface; fonts per language and size are loaded once."""

    def __init__(self, surface: pygame.Surface) -> None:
        import pygame.freetype

        pygame.freetype.init()
        self.surface = surface
        self._fonts: dict[tuple[str, int, bool], pygame.freetype.Font] = {}
        # Rendered lines by (text, language, size, colour, bold): most of a screen repeats frame to frame.
        # One LRU for rendered lines (surfaces) and fitted sizes (ints, keys starting "fit").
        self._rendered: OrderedDict[tuple[object, ...], Any] = OrderedDict()
        self._rendered_bytes = 0
        self.log: list[Drawn] = []
        self.filled: list[Filled] = []
        self._measured: dict[tuple[str, str, int, bool], tuple[int, int]] = {}
        self.ground: Color = (0, 0, 0)
        # `fit` never shrinks text below this (the kiosk sets it from the rules' minimum in mm):
        # a text that does not fit then overflows its box, and the layout test says so.
        self.min_size = 10

    def font(self, language: str, size: int, bold: bool = True) -> pygame.freetype.Font:
        """The pygame.freetype font for a language (the right face of a .ttc collection)."""
        import pygame.freetype

        key = (language, size, bold)
        if key not in self._fonts:
            face = font_for(language, bold=bold)
            font = pygame.freetype.Font(face.path, size, font_index=face.index)
            font.antialiased = True
            self._fonts[key] = font
        return self._fonts[key]

    def clear(self, color: Color) -> None:
        """Fill the screen and forget what was drawn."""
        self.surface.fill(color)
        self.log.clear()
        self.filled.clear()
        self.ground = color

    def box(self, rect: tuple[int, int, int, int], color: Color, *, radius: int = 0, width: int = 0) -> None:
        """A filled (or outlined) rounded rectangle."""
        import pygame

        pygame.draw.rect(self.surface, color, pygame.Rect(rect), width=width, border_radius=radius)
        if width == 0:
            self.filled.append(Filled(tuple(rect), color))  # type: ignore[arg-type]

    def measure(self, text: str, language: str, size: int, bold: bool = True) -> tuple[int, int]:
        """Width and height of `text` as it would be drawn (remembered: a layout that wraps and
        fits measures the same words many times, and FreeType's get_rect is the slow part)."""
        key = (text, language, size, bold)
        found = self._measured.get(key)
        if found is None:
            rect = self.font(language, size, bold).get_rect(text)
            found = self._measured[key] = (rect.width, rect.height)
            if len(self._measured) > MEASURED_KEPT:
                self._measured.pop(next(iter(self._measured)))  # the oldest: a day's screens repeat
        return found

    def fit(self, text: str, language: str, size: int, width: int, bold: bool = True) -> int:
        """The largest size up to `size` at which `text` fits `width`."""
        floor = max(10, self.min_size)
        while size > floor and self.measure(text, language, size, bold)[0] > width:
            size = max(floor, int(size * 0.9))
        return size

    def text(
        self,
        text: str,
        language: str,
        size: int,
        at: tuple[int, int],
        color: Color,
        *,
        align: str = "center",
        bold: bool = True,
        max_width: int | None = None,
    ) -> tuple[int, int, int, int]:
        """Draw one line; `at` is its centre (align="center"), left-middle ("left") or right-middle ("right")."""
        if max_width:
            size = self._fit_cached(text, language, size, max_width, bold)
        surface = self._render(text, language, size, color, bold)
        rect = surface.get_rect()
        x, y = at
        if align == "center":
            rect.center = (x, y)
        elif align == "left":
            rect.midleft = (x, y)
        else:
            rect.midright = (x, y)
        self.surface.blit(surface, rect)
        drawn = (rect.x, rect.y, rect.width, rect.height)
        under = self._under(rect.center)
        within, background = (under.rect, under.color) if under else ((0, 0, *self.surface.get_size()), self.ground)
        self.log.append(Drawn(text, language, drawn, size, color, within, background))
        return drawn

    def _under(self, point: tuple[int, int]) -> Filled | None:
        """The topmost filled box under `point`: the button or card a text belongs to."""
        x, y = point
        for box in reversed(self.filled):
            bx, by, bw, bh = box.rect
            if bx <= x < bx + bw and by <= y < by + bh:
                return box
        return None

    def _render(self, text: str, language: str, size: int, color: Color, bold: bool) -> pygame.Surface:
        key = (text, language, size, color, bold)
        surface = self._rendered.get(key)
        if surface is not None:
            self._rendered.move_to_end(key)
            return surface
        font = self.font(language, size, bold)
        missing = [c for c, m in zip(text, font.get_metrics(text), strict=False) if m is None and not c.isspace()]
        if missing:
            raise MissingGlyphs(f"the {language} font cannot draw {''.join(missing)!r} in {text!r}")
        surface, _ = font.render(text, color)
        self._rendered[key] = surface
        self._rendered_bytes += _bytes(surface)
        while self._rendered_bytes > RENDER_CACHE_BYTES and len(self._rendered) > 1:
            _, old = self._rendered.popitem(last=False)
            self._rendered_bytes -= _bytes(old)
        return surface

    def _fit_cached(self, text: str, language: str, size: int, width: int, bold: bool) -> int:
        key = ("fit", text, language, size, width, bold, self.min_size)
        if key not in self._rendered:
            self._rendered[key] = self.fit(text, language, size, width, bold)
        fitted: int = self._rendered[key]
        return fitted

    def wrap(self, text: str, language: str, size: int, width: int, bold: bool = True) -> list[str]:
        """Lines of `text` that fit `width` (words where there are spaces, characters in CJK)."""
        spaced = " " in text
        units = text.split(" ") if spaced else list(text)
        lines, current = [], ""
        for unit in units:
            trial = f"{current} {unit}" if current and spaced else current + unit
            if current and self.measure(trial, language, size, bold)[0] > width:
                lines.append(current)
                current = unit
            else:
                current = trial
        return [*lines, current] if current else lines

    def drawn_text(self) -> list[str]:
        """Every piece of text drawn since the last clear."""
        return [d.text for d in self.log]


class Screen(Device):
    """The device's display: fullscreen at the screen's own resolution unless a size is given."""

    def __init__(
        self,
        size: tuple[int, int] | None = None,
        *,
        fullscreen: bool = True,
        title: str = "Sunbeon",
        offscreen: bool = False,
    ) -> None:
        import pygame

        self.offscreen = offscreen
        if offscreen:
            # Drawn in memory only: several screens in one process (tests, benchmarks).
            self.surface = pygame.Surface(size or (1280, 720))
            self.width, self.height = self.surface.get_size()
            self.painter = Painter(self.surface)
            return
        # On a Pi without a desktop SDL draws straight to the screen (KMS/DRM); tests set "dummy".
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("SDL_VIDEODRIVER", "kmsdrm")
        try:
            pygame.display.init()
        except pygame.error as err:
            raise HardwareError(f"no screen ({os.environ.get('SDL_VIDEODRIVER')}): {err}") from err
        flags = pygame.FULLSCREEN if fullscreen and size is None else 0
        self.surface = pygame.display.set_mode(size or (0, 0), flags)
        pygame.display.set_caption(title)
        if fullscreen:
            pygame.mouse.set_visible(False)
        self.width, self.height = self.surface.get_size()
        try:
            self.painter = Painter(self.surface)
        except FontMissing:
            pygame.display.quit()
            raise

    def show(self) -> None:
        """Put what was drawn on the glass."""
        import pygame

        if not self.offscreen:
            pygame.display.flip()

    def wants_quit(self, event: object) -> bool:
        """The window was closed, or Escape was pressed in a window (a fullscreen kiosk has no way out)."""
        import pygame

        kind = getattr(event, "type", None)
        if kind == pygame.QUIT:
            return True
        windowed = self.offscreen or not self.surface.get_flags() & pygame.FULLSCREEN
        return kind == pygame.KEYDOWN and getattr(event, "key", None) == pygame.K_ESCAPE and windowed

    def run(
        self, handle: Callable[[object], None], step: Callable[[], None], stop: threading.Event, fps: int = 30
    ) -> None:
        """The event loop: events to `handle`, then `step`, `fps` times a second, until told to stop."""
        import pygame

        clock = pygame.time.Clock()
        while not stop.is_set():
            for event in pygame.event.get():
                if self.wants_quit(event):
                    return
                handle(event)
            step()
            clock.tick(fps)

    def screenshot(self, path: str | Path) -> Path:
        """Save the screen as a PNG."""
        import pygame

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(path))
        return path

    def save_last_frame(self, name: str) -> Path | None:
        """The last frame as `<name>.png` in $SUNBEON_SCREENS (the demo sets it: its run folder's
        screens/); None when unset. Never raises: a screenshot is a nicety, never why a stop fails."""
        folder = os.environ.get("SUNBEON_SCREENS")
        if not folder:
            return None
        try:
            path = self.screenshot(Path(folder) / f"{name}.png")
        except Exception as err:  # noqa: BLE001 - pygame and the file system fail in many ways
            logging.getLogger("sunbeon.screen").warning("screen not saved: %s", err)
            return None
        logging.getLogger("sunbeon.screen").info("screen saved: %s", path)
        return path

    def close(self) -> None:
        """Close the window."""
        import pygame

        if not self.offscreen:
            pygame.display.quit()
        super().close()
