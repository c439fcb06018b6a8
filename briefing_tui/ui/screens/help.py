"""The help screen: every key of the app and of the screen it was opened on, read from the
bindings themselves, and how links, link hints and history work."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from textual.actions import ActionError, parse
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer

from ..widgets.link_page import Block, LinkPage

KEY_WIDTH = 18
"""Columns given to the keys of a binding."""

ABOUT_READING = (
    (
        "Links",
        "Names in a briefing are links. j/k (or the arrows) move the cursor from link to link; "
        "Enter follows the one under the cursor. An actor or a place opens its dossier, "
        "everything the library says of it; an event, a question or a source opens in its "
        "briefing, scrolled to and highlighted. A link marked ⚠ names nothing in the library.",
    ),
    (
        "Link hints",
        "f puts a short label on every link in sight; type a label to follow its link at once, "
        "Esc to give up.",
    ),
    (
        "History",
        "Every place you open is remembered, as in a web browser. Backspace (or alt+left) goes "
        "back, alt+right forward again; each page comes back where you left it, cursor and all.",
    ),
    (
        "Search",
        '/ searches the whole library as you type: words, "a phrase", prefix*, -excluded, OR, '
        "and filters such as kind:actor, in:briefing-id, tag:, status:, actor:, after:, before:. "
        "Enter opens the chosen result; afterwards n and N step through the results.",
    ),
)


@dataclass(slots=True)
class KeyGroup:
    """The bindings of one node (the app, a screen, a widget), keys of one action together."""

    title: str
    keys: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(action, description) → keys, in binding order."""


def humanize(name: str) -> str:
    """`LinkPage` → `link page`, `next_pane` → `next pane`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced.lower().strip()


def describe(binding: Binding, node: DOMNode) -> str:
    """What a binding does: its description, else the first line of its action's docstring,
    else the action's name in words."""
    if binding.description:
        return binding.description[0].upper() + binding.description[1:]
    try:
        namespace, action, _ = parse(binding.action)
    except ActionError:
        return binding.action
    target: object = node
    if namespace == "app":
        target = node.app
    elif namespace == "screen":
        target = node.screen if isinstance(node, Widget) else node
    method = getattr(target, f"action_{action}", None)
    doc = inspect.getdoc(method) if method is not None else None
    if doc:
        return doc.splitlines()[0].rstrip(".")
    return humanize(action).capitalize()


def group_title(node: DOMNode) -> str:
    """How the help names the bindings of a node."""
    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return f"On this screen ({humanize(type(node).__name__)})"
    return f"In the {humanize(type(node).__name__)}"


def class_bindings(node: DOMNode) -> list[Binding]:
    """The bindings a node's class declares, with those it inherits that it does not rebind
    (as Textual merges them: a subclass's binding of a key replaces its base's)."""
    by_key: dict[str, Binding] = {}
    for base in reversed(type(node).__mro__):
        own = base.__dict__.get("BINDINGS")
        if own:
            if not base.__dict__.get("_inherit_bindings", True):
                by_key = {}
            for binding in Binding.make_bindings(own):
                by_key[binding.key] = binding
    return list(by_key.values())


def key_groups(screen: Screen[object]) -> list[KeyGroup]:
    """The bindings in force on `screen` (focused widget, its containers, the screen, the app,
    as Textual resolves them), then those of the screen's other focusable widgets."""
    app = screen.app
    groups: dict[int, KeyGroup] = {}
    order: list[DOMNode] = []
    for active in screen.active_bindings.values():
        node = active.node
        group = groups.get(id(node))
        if group is None:
            group = groups[id(node)] = KeyGroup(group_title(node))
            order.append(node)
        binding = active.binding
        shown = app.get_key_display(binding)
        keys = group.keys.setdefault((binding.action, describe(binding, node)), [])
        if shown not in keys:
            keys.append(shown)
    listed = {type(node) for node in order}
    others: list[KeyGroup] = []
    for widget in screen.query("*"):
        if type(widget) in listed or not widget.focusable:
            continue
        bindings = class_bindings(widget)
        if not bindings:
            continue
        listed.add(type(widget))
        group = KeyGroup(group_title(widget))
        for binding in bindings:
            keys = group.keys.setdefault((binding.action, describe(binding, widget)), [])
            shown = app.get_key_display(binding)
            if shown not in keys:
                keys.append(shown)
        others.append(group)
    # The app last among the bindings in force: the screen's own keys matter most.
    ordered = [groups[id(node)] for node in order if not isinstance(node, App)]
    ordered.extend(groups[id(node)] for node in order if isinstance(node, App))
    return [group for group in [*ordered, *others] if group.keys]


def help_blocks(groups: Iterable[KeyGroup]) -> list[Block]:
    """The keys, group by group, then how reading works."""
    blocks = [Block().text("Keys", "title")]
    for group in groups:
        blocks.append(Block().text(group.title, "heading"))
        for (_, description), keys in group.keys.items():
            block = Block(gap=0, indent=2)
            block.text(f"{', '.join(keys):<{KEY_WIDTH}}", "strong").text(" " + description)
            blocks.append(block)
    blocks.append(Block().text("Reading", "title"))
    for title, text in ABOUT_READING:
        blocks.append(Block().text(title, "heading").line().text(text))
    return blocks


class HelpScreen(ModalScreen[None]):
    """Every key of the app and of the screen below, grouped, with what each does."""

    CSS_PATH = "help.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    def __init__(self, screen: Screen[object] | None = None) -> None:
        super().__init__()
        self._described = screen

    @property
    def described(self) -> Screen[object]:
        """The screen whose keys are listed: the one given, else the one below this."""
        if self._described is not None:
            return self._described
        stack = self.app.screen_stack
        below = stack[: stack.index(self)] if self in stack else stack
        return below[-1] if below else self.app.screen

    def compose(self) -> ComposeResult:
        page = LinkPage(id="help")
        page.border_title = "Help"
        yield page
        yield Footer(compact=True)

    def on_mount(self) -> None:
        page = self.query_one("#help", LinkPage)
        page.set_blocks(help_blocks(key_groups(self.described)))
        page.focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
