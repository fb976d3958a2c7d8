"""Tests in a real browser: Home Assistant's UI in Chromium, against the demo Flipsnack.

`scripts/test --browser` runs them (see tests/browser/conftest.py); the rest of the suite
leaves them out, because they need Chromium and Playwright and start Home Assistant.
"""
