"""Logging filters: refusals are one line for operators, real errors keep their traceback."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A 4xx (a 403 from a permission check, a 400 from a bad parameter) is the site working as
    intended: log it as one line. Django attaches the exception to these records, and a
    traceback per refusal drowns the real errors (5xx), which keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
