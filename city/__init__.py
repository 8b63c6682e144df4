"""The city tier (issue 16): relays over the central broker — every hall's status, a city page, a city report."""
