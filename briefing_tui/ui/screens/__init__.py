"""Screens of the reader: each owns its navigation."""
