"""The briefing data model: plain Python, no Textual or Rich import."""
