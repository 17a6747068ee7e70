"""An in-memory FHIR server for httpx.MockTransport: stores PUTs by Type/id, can misbehave on cue."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import orjson


class FakeServer:
    def __init__(self) -> None:
        self.store: dict[str, dict] = {}
        self.requests: list[httpx.Request] = []
        self.failures: list[Callable[[httpx.Request], httpx.Response | None]] = []  # used once each, in order
        self.check_references = True

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            answer = self.failures.pop(0)(request)
            if answer is not None:
                return answer
        bundle = orjson.loads(request.content)
        entries = []
        incoming = {e["request"]["url"] for e in bundle["entry"]}
        for e in bundle["entry"]:
            res = e["resource"]
            for ref in _refs(res):
                if self.check_references and "/" in ref and ref not in self.store and ref not in incoming:
                    outcome = {
                        "resourceType": "OperationOutcome",
                        "issue": [{"severity": "error", "code": "not-found", "diagnostics": f"no {ref}"}],
                    }
                    return httpx.Response(400, json=outcome)
        for e in bundle["entry"]:
            key = e["request"]["url"]
            status = "200 OK" if key in self.store else "201 Created"
            self.store[key] = e["resource"]
            entries.append({"response": {"status": status}})
        return httpx.Response(
            200, json={"resourceType": "Bundle", "type": f"{bundle['type']}-response", "entry": entries}
        )

    def count(self, rtype: str) -> int:
        return sum(1 for k in self.store if k.startswith(f"{rtype}/"))


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str) and not node["reference"].startswith("urn:"):
            yield node["reference"]
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)
