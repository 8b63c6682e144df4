"""Reports how many hostile inputs the fuzz suite tried (tests/unit/test_fuzz.py)."""


def pytest_terminal_summary(terminalreporter):  # type: ignore[no-untyped-def]
    from tests.unit.fuzzing import TRIED

    if any(TRIED.values()):
        terminalreporter.write_line(
            f"fuzz: {sum(TRIED.values())} inputs ({', '.join(f'{k} {v}' for k, v in TRIED.items())}), none raised"
        )
