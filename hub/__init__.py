"""The hub: the one ticket authority of a Sunbeon hall."""
