"""jobs/k8s/: every manifest valid against the Kubernetes API schema (kubernetes-validate ships the schemas,
no network), the CronJobs shaped for a fleet, each container command parsed by the real CLI, and the ConfigMap's
sheetsync.toml accepted by the real config loader."""
from __future__ import annotations

import warnings
from pathlib import Path

import click
import pytest

from support.needs import module

kubernetes_validate = module("kubernetes_validate", "pip install -e '.[test]'")
yaml = module("yaml", "PyYAML, which kubernetes-validate installs")

from sheetsync.cli import cli  # noqa: E402
from sheetsync.jobs import load_config  # noqa: E402

K8S = Path(__file__).resolve().parents[2] / "jobs" / "k8s"
VERSION = "1.30.0"  # backoffLimitPerIndex is beta (on by default) from 1.29, GA in 1.33


def documents() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(K8S.glob("*.yaml")):
        out += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return out


def test_every_manifest_validates_against_the_api_schema():
    docs = documents()
    assert {d["kind"] for _, d in docs} == {"CronJob", "ConfigMap", "Secret"}
    for name, doc in docs:
        for version in (VERSION, kubernetes_validate.latest_version()):
            kubernetes_validate.validate(doc, version, strict=True)  # raises on an unknown or mistyped field


def test_a_broken_manifest_is_refused():
    doc = next(d for _, d in documents() if d["kind"] == "CronJob")
    broken = yaml.safe_load(yaml.safe_dump(doc))
    broken["spec"]["jobTemplate"]["spec"]["completionsMode"] = "Indexed"  # a typo
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def cronjobs() -> list[dict]:
    return [d for _, d in documents() if d["kind"] == "CronJob"]


def test_cronjobs_are_indexed_fleets_with_one_run_at_a_time():
    secrets = {d["metadata"]["name"]: d for _, d in documents() if d["kind"] == "Secret"}
    for job in cronjobs():
        spec, jt = job["spec"], job["spec"]["jobTemplate"]["spec"]
        assert spec["concurrencyPolicy"] == "Forbid" and spec["timeZone"] == "Asia/Shanghai"
        assert jt["completionMode"] == "Indexed" and jt["parallelism"] == jt["completions"] >= 2
        assert jt["backoffLimitPerIndex"] >= 1 and "backoffLimit" not in jt
        assert {"action": "FailIndex", "onExitCodes": {"containerName": "sheetsync", "operator": "In", "values": [2]}} \
            in jt["podFailurePolicy"]["rules"]
        pod = jt["template"]["spec"]
        assert pod["restartPolicy"] == "Never"
        (container,) = pod["containers"]
        env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
        assert env["SHEETSYNC_STATE"]["name"] == "sheetsync-state"
        assert str(secrets["sheetsync-state"]["stringData"]["url"]).startswith("postgresql://")
        for ref in env.values():  # every secret a pod reads exists, with that key
            assert ref["key"] in secrets[ref["name"]]["stringData"]
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]


def _parse(args: list[str]) -> click.Context:
    """Resolve the command line down to its last subcommand with click's own parser, without running it."""
    ctx = cli.make_context("sheetsync", list(args))
    command: click.Command = cli
    while isinstance(command, click.Group):
        with warnings.catch_warnings():  # click 8.2 deprecates protected_args; 9.0 puts them in args
            warnings.simplefilter("ignore", DeprecationWarning)
            rest = [*getattr(ctx, "protected_args", ()), *ctx.args]
        name, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)
    return ctx


def test_each_container_command_parses_with_the_real_cli(tmp_path):
    seen = set()
    for job in cronjobs():
        (container,) = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert container["command"] == ["sheetsync"]
        ctx = _parse(container["args"])
        seen.add(ctx.info_name)
        assert ctx.params["config_path"] == "/etc/sheetsync/sheetsync.toml" and ctx.params["shard"] is None
    assert seen == {"nightly", "digest"}
    with pytest.raises(click.UsageError):  # the parser is strict: a wrong option would be caught here
        _parse(["run", "nightly", "--config", "x.toml", "--shards", "0/4"])


def test_the_configmap_is_a_valid_fleet_config(tmp_path):
    (cm,) = [d for _, d in documents() if d["kind"] == "ConfigMap"]
    path = tmp_path / "sheetsync.toml"
    path.write_text(cm["data"]["sheetsync.toml"], encoding="utf-8")
    cfg = load_config(path)
    assert len(cfg.quota.service_accounts) == 2 and cfg.quota.write_per_user == 60
    mounts = {m["mountPath"] for job in cronjobs()
              for m in job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]}
    assert all(str(p.parent) in mounts for p in cfg.quota.service_accounts)
