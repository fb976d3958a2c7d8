"""Developer tools: the demo Flipsnack and the harness that drives Home Assistant with it."""
