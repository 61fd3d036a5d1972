"""The deployment examples in jobs/ call commands the real CLI accepts, at the times the example config says."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import click
import pytest

from sheetsync import cli as cli_module
from sheetsync.jobs import check_config

JOBS = Path(__file__).resolve().parents[2] / "jobs"
CONFIG = "/etc/sheetsync/sheetsync.toml"
DAY_NUMBER = {"monday": "1", "tuesday": "2", "wednesday": "3", "thursday": "4", "friday": "5", "saturday": "6",
              "sunday": "0"}


def crontab_commands() -> list[tuple[str, list[str]]]:
    out = []
    for line in (JOBS / "crontab").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#") or re.match(r"^\s*[A-Z_]+=", line):
            continue
        fields = line.split(None, 5)
        out.append((" ".join(fields[:5]), shlex.split(fields[5])))
    return out


def unit_value(name: str, key: str) -> list[str]:
    text = (JOBS / name).read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(rf"^{key}=(.*)$", text, re.MULTILINE)]


def k8s_documents() -> list[str]:
    return (JOBS / "k8s-cronjob.yaml").read_text(encoding="utf-8").split("\n---\n")


def k8s_value(doc: str, key: str) -> str:
    m = re.search(rf"^\s*{key}:\s*(.+?)\s*$", doc, re.MULTILINE)
    assert m, f"{key} missing"
    return m.group(1)


def k8s_command(doc: str) -> list[str]:
    # the lists are written in flow style, which is also JSON
    return json.loads(k8s_value(doc, "command")) + json.loads(k8s_value(doc, "args"))


def all_commands() -> list[tuple[str, list[str]]]:
    found = [(f"crontab {when}", argv) for when, argv in crontab_commands()]
    for unit in ("sheetsync-nightly.service", "sheetsync-digest.service"):
        (exec_start,) = unit_value(unit, "ExecStart")
        argv = shlex.split(exec_start)
        found.append((unit, [Path(argv[0]).name] + argv[1:]))
    for doc in k8s_documents():
        found.append((k8s_value(doc, "name"), k8s_command(doc)))
    return found


def test_every_example_runs_a_one_shot_command_on_the_production_config():
    commands = all_commands()
    assert len(commands) == 7
    for where, argv in commands:
        assert argv[0] == "sheetsync", where
        assert argv[1:3] in (["run", "nightly"], ["run", "digest"], ["run", "chat"]), where
        assert argv[3:] == ["--config", CONFIG], where
    # the crontab also posts, at the end of quiet hours, the chat messages the night held back
    assert sorted(argv[2] for _, argv in commands) == ["chat"] + ["digest"] * 3 + ["nightly"] * 3


def test_times_and_zones_match_the_example_config():
    cfg = check_config(JOBS / "example.toml")
    nightly, digest = cfg.jobs.nightly.time, cfg.jobs.digest
    zone = cfg.trackers[0].timezone
    text = (JOBS / "crontab").read_text(encoding="utf-8")
    assert re.search(rf"^CRON_TZ={re.escape(zone)}$", text, re.MULTILINE)
    cron = {argv[2]: when for when, argv in crontab_commands()}
    assert cron["nightly"] == f"{nightly.minute} {nightly.hour} * * *"
    assert cron["digest"] == f"{digest.time.minute} {digest.time.hour} * * {DAY_NUMBER[digest.day]}"
    quiet_end = cfg.trackers[0].quiet_hours.end
    assert cron["chat"] == f"{quiet_end.minute} {quiet_end.hour} * * *"
    assert unit_value("sheetsync-nightly.timer", "OnCalendar") == [f"*-*-* {nightly:%H:%M:%S} {zone}"]
    assert unit_value("sheetsync-digest.timer", "OnCalendar") == [
        f"{digest.day[:3].title()} *-*-* {digest.time:%H:%M:%S} {zone}"]
    for timer in ("sheetsync-nightly.timer", "sheetsync-digest.timer"):
        assert unit_value(timer, "Persistent") == ["true"]
    docs = {k8s_command(d)[2]: d for d in k8s_documents()}
    assert k8s_value(docs["nightly"], "schedule") == f'"{cron["nightly"]}"'
    assert k8s_value(docs["digest"], "schedule") == f'"{cron["digest"]}"'
    for doc in docs.values():
        assert k8s_value(doc, "timeZone") == zone
        assert k8s_value(doc, "concurrencyPolicy") == "Forbid"
        assert "SHEETSYNC_SMTP_PASSWORD" in doc and "secretKeyRef" in doc


def test_no_example_holds_a_password():
    for path in JOBS.rglob("*"):  # k8s/ too
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(SHEETSYNC_SMTP_PASSWORD|password)\s*[=:]\s*\S", text, re.MULTILINE | re.IGNORECASE), path


def parse_with_cli(argv: list[str]) -> click.Context:
    """Resolve nested groups and parse the leaf command's options exactly as `sheetsync` would, without running it."""
    command: click.Command = cli_module.cli
    ctx = command.make_context("sheetsync", list(argv[1:]), resilient_parsing=False)
    while isinstance(command, click.Group):
        # click 8.2 deprecates `protected_args`; the same tokens live in `_protected_args` (as sheetsync.cli reads them)
        protected = getattr(ctx, "_protected_args", None)
        rest = list(protected if protected is not None else ctx.protected_args) + list(ctx.args)
        name, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)
    return ctx


def test_the_parsing_helper_against_an_existing_command():
    ctx = parse_with_cli(["sheetsync", "validate", "tracker.xlsx", "--today", "2026-11-23"])
    assert ctx.command.name == "validate" and ctx.params["today"] == "2026-11-23"
    with pytest.raises(click.UsageError):
        parse_with_cli(["sheetsync", "validate", "tracker.xlsx", "--config", CONFIG])


def _missing_cli_commands() -> list[str]:
    group = cli_module.cli
    missing = []
    run = group.commands.get("run")
    if not isinstance(run, click.Group) or not {"nightly", "digest"} <= set(run.commands):
        missing.append("run nightly/digest")
    return missing


# NOTE for the lead: `sheetsync run nightly|digest --config FILE` are added to sheetsync/cli.py by the lead
# (sheetsync.jobs gives the functions). Until then this test is an expected failure, reported by `-ra`; it runs
# normally, and must pass, as soon as the commands exist (strict: an unexpected pass is an error).
@pytest.mark.xfail(bool(_missing_cli_commands()), strict=True,
                   reason=f"sheetsync/cli.py lacks: {', '.join(_missing_cli_commands())}")
@pytest.mark.parametrize("where,argv", all_commands(), ids=[w for w, _ in all_commands()])
def test_example_commands_parse_with_the_real_cli(where, argv):
    ctx = parse_with_cli(argv)
    assert ctx.command.name == argv[2]
    assert ctx.parent.command.name == "run"
    (option,) = [p for p in ctx.command.params if "--config" in p.opts]
    assert str(ctx.params[option.name]) == CONFIG


def example_configs(root: Path) -> dict[str, str]:
    """Every sheetsync.toml in jobs/: the .toml files, and the one a Kubernetes ConfigMap carries."""
    found = {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "jobs").rglob("*.toml"))}
    for path in sorted((root / "jobs").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        m = re.search(r"^(\s*)sheetsync\.toml: \|\n((?:\1  .*\n|\s*\n)+)", text, re.MULTILINE)
        if m:
            indent = len(m.group(1)) + 2
            found[path.name] = "\n".join(line[indent:] for line in m.group(2).splitlines()) + "\n"
    return found


def test_every_example_config_passes_config_check_on_a_fresh_clone(tmp_path):
    """A fresh clone: jobs/ copied alone, then what the examples say to do first (`make demo`, which runs
    `sheetsync demo` in the top folder), then `sheetsync config check` on each config, through the real CLI."""
    import shutil
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "jobs", tmp_path / "jobs")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("SHEETSYNC_")}
    demo = subprocess.run([sys.executable, "-m", "sheetsync", "demo"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    configs = example_configs(tmp_path)
    assert {"example.toml", "configmap.yaml"} <= set(configs), sorted(configs)
    for name, text in configs.items():
        path = tmp_path / "jobs" / (name if name.endswith(".toml") else f"{name}.toml")
        path.write_text(text, encoding="utf-8")
        checked = subprocess.run([sys.executable, "-m", "sheetsync", "config", "check", "--config", str(path),
                                  "--lang", "en"], env=env, capture_output=True, text=True, timeout=120)
        assert checked.returncode == 0 and ": OK." in checked.stdout, (name, checked.stdout, checked.stderr)
