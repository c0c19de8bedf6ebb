"""Audit lines: who read or wrote what, when, through which channel and from where.

Every read of report content, whatever the channel (REST, socket, page, export,
alert), writes one line to the `commandcentre.audit` logger.
"""

import logging
from collections.abc import Iterable

audit = logging.getLogger("commandcentre.audit")


def audit_read(*, username: str, what: str, ids: Iterable[int], via: str, origin: str = "") -> None:
    """One line per read: `what` names the objects (alerts, reports...), `ids` which."""
    audit.info(
        "read %s=%s by=%s via=%s from=%s",
        what, ",".join(str(i) for i in ids) or "-", username, via, origin or "-",
    )  # fmt: skip


def alert_reports_shown(alerts: Iterable[dict]) -> list[int]:
    """The reports an alert payload shows in full (not as hit/no-hit stubs)."""
    return sorted(
        {
            r["id"]
            for a in alerts
            for r in (a.get("match") or {}).get("reports", ())
            if "body" in r or "author" in r
        }
    )
