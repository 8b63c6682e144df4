"""Call buttons and the LED on gpiozero's mock pins (whose bounce_time does nothing: debounce is ours)."""

import threading
import time

from gpiozero.pins.mock import MockFactory

from hardware.buttons import CallButton, CallLed


def chatter(pin, final_low=True, edges=4):
    """Contact bounce: several edges a millisecond apart, ending pressed (low) or released."""
    for i in range(edges):
        pin.drive_low() if i % 2 == 0 else pin.drive_high()
        time.sleep(0.001)
    pin.drive_low() if final_low else pin.drive_high()


def test_bounce_gives_one_press():
    factory = MockFactory()
    pressed = []
    with CallButton(17, pin_factory=factory, debounce=0.05) as button:
        button.when_pressed = lambda: pressed.append(time.monotonic())
        pin = factory.pin(17)
        chatter(pin)
        time.sleep(0.1)
        chatter(pin, final_low=False)  # releasing bounces too
        time.sleep(0.1)
        assert len(pressed) == 1
        pin.drive_low()  # a real second press later counts
        time.sleep(0.1)
        pin.drive_high()
        time.sleep(0.1)
        assert len(pressed) == 2


def test_press_acts_on_the_first_edge_without_waiting_for_the_debounce():
    factory = MockFactory()
    fired = threading.Event()
    with CallButton(5, pin_factory=factory, debounce=0.5) as button:
        button.when_pressed = fired.set
        start = time.monotonic()
        factory.pin(5).drive_low()
        assert fired.wait(1) and time.monotonic() - start < 0.05


def test_short_press_and_hold_are_told_apart():
    factory = MockFactory()
    pressed, held = [], []
    with CallButton(27, pin_factory=factory, debounce=0.02, hold_time=0.3) as button:
        button.when_pressed = lambda: pressed.append(1)
        button.when_held = lambda: held.append(1)
        pin = factory.pin(27)
        chatter(pin)
        time.sleep(0.1)
        assert pressed == [] and held == []  # a button with a hold acts on release
        pin.drive_high()
        time.sleep(0.1)
        assert pressed == [1] and held == []
        pin.drive_low()
        time.sleep(0.5)
        assert held == [1]
        pin.drive_high()
        time.sleep(0.1)
        assert pressed == [1] and held == [1]  # releasing a hold is not also a press


def test_led_lights_while_a_call_is_fresh():
    factory = MockFactory()
    with CallLed(23, pin_factory=factory) as led:
        assert not led.is_lit
        led.flash_for(0.2)
        assert led.is_lit and factory.pin(23).state
        time.sleep(0.35)
        assert not led.is_lit
