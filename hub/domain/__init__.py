"""The queue core: plain data and pure functions. No I/O, no broker, no database (a test enforces it)."""
