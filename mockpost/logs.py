"""Log output of a server: uvicorn's text lines, or one JSON object per line (`--log-format json`)
for log collectors, from the `mockpost` and the uvicorn loggers alike. Standard library only."""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from mockpost.config import Settings

# Attributes every LogRecord has: anything else on a record came from `extra=` and is logged as a field.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "color_message",
}
_ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", ...}: uvicorn's access lines get their parts as fields
    (client, method, path, http_version, status), `extra=` values are kept, tracebacks are a field."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            # wall-clock time of the log line (operational, not business time)
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            entry.update(zip(_ACCESS_FIELDS, record.args, strict=True))
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def log_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` document: uvicorn's own (its formatters, stderr for the server
    log, stdout for access lines), with mockpost's logger added, and JSON formatters when asked."""
    from uvicorn.config import LOGGING_CONFIG

    config = json.loads(json.dumps(LOGGING_CONFIG))  # a deep copy: uvicorn's dict is shared
    if settings.log_format == "json":
        for name in config["formatters"]:
            config["formatters"][name] = {"()": "mockpost.logs.JsonFormatter"}
    config["loggers"]["mockpost"] = {"handlers": ["default"], "level": settings.log_level.upper()}
    return config


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(log_config(settings))
