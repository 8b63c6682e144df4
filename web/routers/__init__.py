"""The relay's routes, one router per kind of visitor: the public status, a ticket's page, the clerk
console and the day report. Shared objects and guards come from web/deps.py through `Depends`."""
