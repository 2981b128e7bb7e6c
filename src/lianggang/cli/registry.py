"""The command line's registry: each command declares its sub-parser and its handler.

A command module registers its commands when imported (``@command(...)`` on the handler);
``lianggang.cli`` imports the modules and adds their sub-parsers in its declared order. The
modules import nothing of Django at module level: the parser is built before Django is set up.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

Handler = Callable[[argparse.Namespace, IO[str], IO[str]], int]
Configure = Callable[[argparse.ArgumentParser], None]


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command without arguments of its own."""


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Configure
    handle: Handler
    description: str | None = None

    def add_to(
        self, sub: argparse._SubParsersAction[argparse.ArgumentParser]
    ) -> argparse.ArgumentParser:
        parser = sub.add_parser(self.name, help=self.help, description=self.description)
        self.configure(parser)
        return parser


COMMANDS: dict[str, Command] = {}


def register(cmd: Command) -> Command:
    if cmd.name in COMMANDS:
        raise ValueError(f"command {cmd.name!r} is registered twice")
    COMMANDS[cmd.name] = cmd
    return cmd


def command(
    name: str,
    *,
    help: str,
    configure: Configure = no_arguments,
    description: str | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated handler as the command ``name``, its arguments from ``configure``."""

    def decorate(handle: Handler) -> Handler:
        register(Command(name, help, configure, handle, description))
        return handle

    return decorate


def in_order(order: Iterable[str]) -> list[Command]:
    """The registered commands in ``order``, which must name each of them once."""
    names = list(order)
    if sorted(names) != sorted(COMMANDS) or len(set(names)) != len(names):
        raise LookupError(f"declared commands {names} are not the registered {sorted(COMMANDS)}")
    return [COMMANDS[name] for name in names]
