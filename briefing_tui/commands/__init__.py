"""Subcommands of the command line that never import Textual."""
