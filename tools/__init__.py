"""The `sunbeon` command and its tools: demo, simulate, deploy, contract, a test broker."""
