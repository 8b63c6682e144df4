"""The contract every Sunbeon process shares: messages, client, MQTT, config, languages."""
