"""A wire-level stand-in for an Elasticsearch node: the real client and
transport build and send every request, this node records it and answers
with what the test scripted. It checks what we SEND; no search is emulated."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch

from search.backends.elasticsearch.connection import ConnectionOptions, connect

URL = "http://es.test:9200"


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: Any
    headers: dict[str, str]


Answer = tuple[int, Any] | Exception
Responder = Callable[[Request], Answer]


@dataclass
class Wire:
    """Requests seen, in order, and the function that answers them."""

    respond: Responder
    requests: list[Request] = field(default_factory=list)

    def node_class(self) -> type[BaseNode]:
        wire = self

        class Node(BaseNode):
            def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
                parts = urlsplit(target)
                text = body.decode() if body else ""
                if text and "x-ndjson" in (headers or {}).get("content-type", ""):
                    parsed: Any = [json.loads(line) for line in text.splitlines() if line]
                else:
                    parsed = json.loads(text) if text else None
                request = Request(
                    method, unquote(parts.path), dict(parse_qsl(parts.query)), parsed, dict(headers or {})
                )
                wire.requests.append(request)
                answer = wire.respond(request)
                if isinstance(answer, Exception):
                    raise answer
                status, payload = answer
                meta = ApiResponseMeta(
                    status=status,
                    http_version="1.1",
                    headers=HttpHeaders({"content-type": "application/json", "x-elastic-product": "Elasticsearch"}),
                    duration=0.0,
                    node=self.config,
                )
                return NodeApiResponse(meta, json.dumps(payload).encode())

            def close(self) -> None:
                pass

        return Node

    def client(self, **options: Any) -> Elasticsearch:
        settings = ConnectionOptions(url=URL, **options)
        return connect(settings, node_class=self.node_class())

    def serve_settings(self, monkeypatch: pytest.MonkeyPatch) -> list[ConnectionOptions]:
        """Make every client built from settings (``search.backends``) talk
        to this node: the real ``connect`` checks the options and builds the
        real client, only the node under it is replaced. Returns the options
        of each client built, as they come."""
        from search.backends.elasticsearch import connection

        built: list[ConnectionOptions] = []
        real = connection.connect

        def connect_here(options: ConnectionOptions, **transport: Any) -> Elasticsearch:
            built.append(options)
            return real(options, node_class=self.node_class(), **transport)

        monkeypatch.setattr(connection, "connect", connect_here)
        return built

    def find(self, method: str, path_end: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.endswith(path_end)]


def error_body(kind: str, reason: str, status: int) -> dict[str, Any]:
    cause = {"type": kind, "reason": reason}
    return {"error": {"root_cause": [cause], **cause}, "status": status}


def routes(table: dict[tuple[str, str], Answer | Responder]) -> Responder:
    """Answer by ``(method, path)``; a callable entry computes the answer.
    Anything else is a 404 that names the request, so a test sees what was
    sent that it did not expect."""

    def respond(request: Request) -> Answer:
        entry = table.get((request.method, request.path))
        if entry is None:
            return 404, error_body("unexpected_request", f"{request.method} {request.path}", 404)
        return entry(request) if callable(entry) else entry

    return respond


def existing_index(alias: str = "arshif", index: str = "arshif-v1", meta: dict | None = None) -> dict:
    """Routes of a cluster where ``alias`` points at ``index`` built with ``meta``."""
    from search.index_meta import IndexMeta

    stored = meta or IndexMeta().model_dump(mode="json")
    return {
        ("HEAD", f"/_alias/{alias}"): (200, {}),
        ("GET", f"/_alias/{alias}"): (200, {index: {"aliases": {alias: {}}}}),
        ("GET", f"/{index}/_mapping"): (200, {index: {"mappings": {"_meta": {"arshif": stored}, "properties": {}}}}),
    }


def bulk_items(body: list[dict]) -> list[tuple[str, dict, dict | None]]:
    """``(operation, metadata, source)`` for each action of a bulk body."""
    out, i = [], 0
    while i < len(body):
        op, meta = next(iter(body[i].items()))
        i += 1
        source = None
        if op in ("index", "create", "update"):
            source, i = body[i], i + 1
        out.append((op, meta, source))
    return out


def bulk_ok(request: Request) -> Answer:
    """Every bulk item accepted."""
    items = [{op: {"_id": meta["_id"], "status": 200, "result": "ok"}} for op, meta, _ in bulk_items(request.body)]
    return 200, {"took": 1, "errors": False, "items": items}


class DocumentIndex:
    """One index kept by id, each document with its ``_seq_no``: enough for
    get, conditional put (``if_seq_no``, ``op_type=create``) and delete, and
    a ``match_all`` search that lists documents in the order they were
    first written. ``before_put`` lets a test act as another writer just before a
    put lands."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.created = False
        self.docs: dict[str, tuple[int, dict]] = {}
        self.seq = 0
        self.before_put: Callable[[str], None] = lambda doc_id: None

    def store(self, doc_id: str, source: dict) -> None:
        self.seq += 1
        self.docs[doc_id] = (self.seq, source)

    def __call__(self, request: Request) -> Answer:
        if request.path == self.path:
            if request.method == "PUT":
                self.created = True
                return 200, {"acknowledged": True}
            return (200 if self.created else 404), {}
        if request.path == f"{self.path}/_search" and request.body.get("query") == {"match_all": {}}:
            hits = [{"_id": doc_id, "_source": source} for doc_id, (_, source) in self.docs.items()]
            return 200, {"hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits}}
        if not request.path.startswith(f"{self.path}/_doc/"):
            return 400, error_body("unexpected_request", f"{request.method} {request.path} {request.body}", 400)
        doc_id = request.path.rsplit("/", 1)[1]
        if request.method == "PUT":
            self.before_put(doc_id)
            current = self.docs.get(doc_id)
            expected = request.params.get("if_seq_no")
            taken = request.params.get("op_type") == "create" and current is not None
            stale = expected is not None and (current is None or str(current[0]) != expected)
            if taken or stale:
                return 409, error_body("version_conflict_engine_exception", f"[{doc_id}]: version conflict", 409)
            self.store(doc_id, request.body)
            return 201, {"_id": doc_id, "result": "created", "_seq_no": self.seq, "_primary_term": 1}
        if request.method == "GET":
            if doc_id not in self.docs:
                return 404, {"_id": doc_id, "found": False}
            seq, source = self.docs[doc_id]
            return 200, {"_id": doc_id, "found": True, "_seq_no": seq, "_primary_term": 1, "_source": source}
        if request.method == "DELETE":
            if self.docs.pop(doc_id, None) is None:
                return 404, {"_id": doc_id, "result": "not_found"}
            return 200, {"_id": doc_id, "result": "deleted"}
        return 405, error_body("unexpected_request", f"{request.method} {request.path}", 405)
