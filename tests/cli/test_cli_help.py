"""Help a newcomer can use: an example per command at the top, summaries not cut, every option described."""
from __future__ import annotations

import os
import subprocess
import sys

import click

from sheetsync.cli import cli


def _help(*args) -> str:
    env = dict(os.environ, COLUMNS="80")
    p = subprocess.run([sys.executable, "-m", "sheetsync.cli", *args, "--help"], capture_output=True, text=True,
                       env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_top_level_help_has_an_example_per_command_and_uncut_summaries():
    text = _help()
    commands = text.split("Commands:", 1)[1].split("Examples", 1)[0]
    assert "..." not in commands, commands  # click cuts a long first sentence with '...'
    examples = text.split("Examples", 1)[1]
    for name in cli.commands:
        assert f"sheetsync {name} " in examples or examples.rstrip().endswith(f"sheetsync {name}") \
            or f"sheetsync {name}\n" in examples, name


def test_every_option_is_described():
    for path, cmd in _commands(cli):
        for param in cmd.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, (path, param.name)


def test_today_send_and_format_say_what_they_take():
    text = " ".join(_help("digest").split())
    assert "YYYY-MM-DD[THH:MM]" in text and "2026-12-08T09:30" in text
    assert ".sheetsync/outbox" in text and "SHEETSYNC_SMTP_HOST" in text  # --send names the outbox folder
    assert "json: every finding" in text
