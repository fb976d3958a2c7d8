"""Tests for the Flipsnack API client."""
