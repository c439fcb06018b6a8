"""Widgets of the reader: each presents one thing and posts a message when asked for more."""
