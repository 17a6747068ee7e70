"""POST one bundle with retries: 429 and 5xx answers and connection errors back off and retry."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from ehrsim.errors import UploadError

log = logging.getLogger(__name__)
RETRY_STATUS = {408, 429, 500, 502, 503, 504}


@dataclass
class Outcome:
    ok: bool
    entries: int  # entries the server answered 200/201 for
    message: str = ""  # the server's OperationOutcome text (or the error) when not ok


def outcome_text(body: Any) -> str:
    """Readable text of an OperationOutcome (or of whatever the server sent)."""
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        texts = [
            i.get("diagnostics") or (i.get("details") or {}).get("text") or i.get("code", "")
            for i in body.get("issue", [])
        ]
        return "; ".join(t for t in texts if t) or "OperationOutcome without text"
    return str(body)[:500]


def read_response(resp: httpx.Response) -> Outcome:
    try:
        body = orjson.loads(resp.content) if resp.content else None
    except orjson.JSONDecodeError:
        body = resp.text[:500]
    if resp.status_code >= 300:
        return Outcome(False, 0, f"HTTP {resp.status_code}: {outcome_text(body)}")
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        return Outcome(False, 0, f"HTTP {resp.status_code} but no response Bundle: {outcome_text(body)}")
    good, bad = 0, []
    for i, entry in enumerate(body.get("entry", [])):
        response = entry.get("response") or {}
        status = str(response.get("status", ""))
        if status[:3] in ("200", "201"):
            good += 1
        else:
            detail = outcome_text(response.get("outcome")) if response.get("outcome") else ""
            bad.append(f"entry {i}: {status or 'no status'} {detail}".strip())
    if bad:
        more = f" (+{len(bad) - 3} more)" if len(bad) > 3 else ""
        return Outcome(False, good, "; ".join(bad[:3]) + more)
    return Outcome(True, good)


def post_bundle(
    client: httpx.Client,
    url: str,
    body: bytes,
    *,
    retries: int = 5,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    label: str = "",
    reached: threading.Event | None = None,
) -> Outcome:
    """POST ``body`` to ``url``; retry ``retries`` times with exponential backoff (honouring Retry-After).

    ``label`` (the file) names the request in warnings. ``reached`` is set once the server has
    answered: until then a refused connection is not worth retrying (a wrong URL, a server not
    started) and raises :class:`UploadError` at once.
    """
    headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"}
    what = f"{label}: " if label else ""
    for attempt in range(retries + 1):
        wait = min(backoff * 2**attempt, 60.0)
        try:
            resp = client.post(url, content=body, headers=headers)
        except httpx.TransportError as exc:
            if isinstance(exc, httpx.ConnectError) and reached is not None and not reached.is_set():
                raise UploadError(
                    f"cannot connect to {url} ({exc or type(exc).__name__}); is the server running and the URL right?"
                ) from None
            if attempt == retries:
                return Outcome(False, 0, f"{what}connection failed: {exc}")
            name = type(exc).__name__
            log.warning("%sconnection error (%s); retry %d/%d in %.1f s", what, name, attempt + 1, retries, wait)
            sleep(wait)
            continue
        if reached is not None:
            reached.set()
        if resp.status_code in RETRY_STATUS and attempt < retries:
            retry_after = resp.headers.get("Retry-After", "")
            if retry_after.isdigit():
                wait = min(float(retry_after), 120.0)
            log.warning("%sHTTP %d; retry %d/%d in %.1f s", what, resp.status_code, attempt + 1, retries, wait)
            sleep(wait)
            continue
        return read_response(resp)
    return Outcome(False, 0, "retries exhausted")  # not reached
