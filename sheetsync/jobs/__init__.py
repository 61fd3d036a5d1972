"""Unattended runs: the sheetsync.toml config, one-shot nightly/digest runners and the embedded scheduler."""
from .config import (Config, ConfigError, DigestJob, JobsConfig, NightlyJob, PASSWORD_ENV, SmtpConfig, TrackerConfig,
                     check_config, load_config)
from .example import EXAMPLE_CONFIG, write_example_config, write_example_tracker
from .lock import AlreadyRunning, exclusive
from .runner import DigestOutcome, NightlyOutcome, RunSummary, TrackerResult, run_digest, run_nightly

__all__ = ["Config", "ConfigError", "DigestJob", "JobsConfig", "NightlyJob", "PASSWORD_ENV", "SmtpConfig",
           "TrackerConfig", "check_config", "load_config", "EXAMPLE_CONFIG", "write_example_config", "write_example_tracker",
           "AlreadyRunning", "exclusive", "DigestOutcome", "NightlyOutcome", "RunSummary", "TrackerResult",
           "run_digest", "run_nightly"]
