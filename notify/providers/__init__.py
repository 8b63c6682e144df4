"""Where messages go: SOLAPI (알림톡/SMS), a hall's own webhook, Web Push. One interface (base.py)."""
