"""Tests for the Flipsnack integration."""
