"""Which of a hall's topics the city sees (the bridge's `out` list and the relay's subscriptions)."""

ROOT = "sunbeon/v1"
# What the city may see of a hall (relative to the hall's root), and nothing else.
CITY_TOPICS = ("state/snapshot", "hub/status", "hall/info", "summary/#")
PLACES_TOPIC = "state/places"  # every waiting ticket's token hash: only when the city serves ticket pages
LINK_TOPIC = "city/link"  # the bridge's own notifications: "1" connected, "0" (its will) cut
# What a relay reads at the central broker (also the list the relay subscribes to).
RELAY_TOPICS = (*CITY_TOPICS, LINK_TOPIC)
