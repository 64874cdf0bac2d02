"""Settings, read from the environment and nowhere else (12-factor).

Every variable, its default and its meaning is listed in README.md
("Configuration"); keep the two in step.
"""
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _int(environ, name, default, minimum=0):
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def _choice(environ, name, default, choices):
    value = environ.get(name) or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _rate_limit(environ, name, default):
    from limits import parse_many

    value = environ.get(name) or default
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"{name} must be a rate limit such as '60 per minute', "
                          f"got {value!r}") from None
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    embedded_data_dir: Path = PROJECT_ROOT / "var" / "pgdata"
    db_pool_max: int = 10
    db_connect_timeout_s: int = 3
    statement_timeout_ms: int = 10_000
    lock_timeout_ms: int = 5_000
    retry_after_s: int = 1
    max_content_length: int = 1024 * 1024
    auth_mode: str = "on"
    ratelimit_default: str = "60 per minute"
    ratelimit_storage_uri: str = "memory://"
    ratelimit_key_prefix: str = "fund-allocation-api"
    cursor_secret: str = "fund-allocation-cursor-v1"
    log_level: str = "INFO"


def load_settings(environ=None) -> Settings:
    environ = os.environ if environ is None else environ
    data_dir = environ.get("EMBEDDED_PG_DIR")
    return Settings(
        database_url=environ.get("DATABASE_URL") or None,
        embedded_data_dir=Path(data_dir) if data_dir else Settings.embedded_data_dir,
        db_pool_max=_int(environ, "DB_POOL_MAX", 10, minimum=1),
        db_connect_timeout_s=_int(environ, "DB_CONNECT_TIMEOUT", 3, minimum=1),
        statement_timeout_ms=_int(environ, "DB_STATEMENT_TIMEOUT_MS", 10_000),
        lock_timeout_ms=_int(environ, "DB_LOCK_TIMEOUT_MS", 5_000),
        retry_after_s=_int(environ, "RETRY_AFTER_SECONDS", 1, minimum=1),
        max_content_length=_int(environ, "MAX_CONTENT_LENGTH", 1024 * 1024, minimum=1),
        auth_mode=_choice(environ, "AUTH_MODE", "on", ("on", "off")),
        ratelimit_default=_rate_limit(environ, "RATELIMIT_DEFAULT", "60 per minute"),
        ratelimit_storage_uri=environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        ratelimit_key_prefix=environ.get("RATELIMIT_KEY_PREFIX") or "fund-allocation-api",
        cursor_secret=environ.get("CURSOR_SECRET") or "fund-allocation-cursor-v1",
        log_level=(environ.get("LOG_LEVEL") or "INFO").upper(),
    )
