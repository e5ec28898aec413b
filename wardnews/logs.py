"""Logs as JSON lines on stdout: one object a line, which journald, Docker
and any log shipper keep whole and a person can still read or `jq`.

The same format for Django's own logs (settings.LOGGING) and gunicorn's
(gunicorn.conf.py): every request line and every error carries the request's
id (X-Request-ID, from nginx or made by gunicorn.conf.py), so an error is
found beside the request that met it. Paths are logged without their query
string, which can hold what a reader typed or a token.
"""

import json
import logging
import sys
from datetime import UTC, datetime

from gunicorn import glogging


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        meta = getattr(request, "META", None)  # django.request's records
        if meta is not None:
            entry.update(
                request_id=meta.get("HTTP_X_REQUEST_ID"),
                method=request.method,
                host=meta.get("HTTP_HOST"),
                path=request.path,
            )
        if getattr(record, "status_code", None):
            entry["status"] = record.status_code
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with JSON lines on stdout: its own messages
    (workers started, timed out…) and one line per request."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
                if getattr(handler, "stream", None) is sys.stderr:
                    handler.setStream(sys.stdout)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = int(status.split(None, 1)[0])
        fields = {
            "request_id": environ.get("HTTP_X_REQUEST_ID"),
            "client": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "host": environ.get("HTTP_HOST"),
            "path": environ.get("PATH_INFO"),
            "status": status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        self.access_log.info("request", extra={"fields": fields})
