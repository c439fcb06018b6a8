"""The Textual reader: it presents the model and never changes it."""
