"""briefing-tui: a terminal reader for structured intelligence and news briefings."""

__version__ = "0.1.0"
