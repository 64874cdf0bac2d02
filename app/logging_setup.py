"""One JSON object per log line on stderr, for every logger of the process."""
import json
import logging
import sys
from datetime import datetime, timezone

# Attributes a log call may pass in `extra=` that belong in the JSON line.
_FIELDS = ("request_id", "method", "route", "path", "status", "duration_ms",
           "remote_addr", "user_id")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        # Exceptions are named, never dumped: a stack trace can carry data.
        if record.exc_info and record.exc_info[1] is not None:
            entry["error_type"] = type(record.exc_info[1]).__name__
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level="INFO"):
    root = logging.getLogger()
    if not any(getattr(h, "_fund_allocation", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._fund_allocation = True
        root.addHandler(handler)
    root.setLevel(level)
    # werkzeug's dev-server access log would duplicate ours.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("yoyo").setLevel(logging.WARNING)
