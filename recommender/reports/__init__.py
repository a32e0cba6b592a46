"""Rendering of stored proposals: PDF, CSV, JSON."""
