"""`NamedTuple` for the modules a warm `briefing-tui search` loads, without `typing`.

Importing `typing` costs that command 2-3 ms, a twentieth of its run. Type checkers see
`typing.NamedTuple`; at run time a class written `class Hit(NamedTuple):` with annotated
fields, defaults, methods and properties becomes the `collections.namedtuple` that
`typing.NamedTuple` would make of it.
"""

from __future__ import annotations

import collections

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without loading typing

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    _KEPT = frozenset(("__module__", "__annotations__"))

    class _NamedTupleMaker(type):
        """Makes each subclass of `NamedTuple` a `collections.namedtuple` of its fields."""

        def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
            if not bases:
                return super().__new__(mcs, name, bases, namespace)
            annotations = namespace.get("__annotations__", {})
            fields = list(annotations)
            with_default = [field for field in fields if field in namespace]
            if with_default != fields[len(fields) - len(with_default) :]:
                raise TypeError(f"{name}: a field without a default follows one with a default")
            made = collections.namedtuple(
                name,
                fields,
                defaults=[namespace[field] for field in with_default],
                module=namespace["__module__"],
            )
            made.__annotations__ = made.__new__.__annotations__ = dict(annotations)
            for key, value in namespace.items():
                if key not in _KEPT and key not in fields:
                    setattr(made, key, value)
            return made

    class NamedTuple(metaclass=_NamedTupleMaker):
        """Base of the record classes (see the module's docstring)."""
