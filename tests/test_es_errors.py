"""Every way a cluster can fail us ends in one line naming the URL and what
to do: through the real client (fake node) and through the CLI."""

from __future__ import annotations

import socket
import time

import pytest
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from fake_es import URL, Wire, error_body, existing_index, routes
from typer.testing import CliRunner

from cli.main import app
from search.backend import BackendError
from search.backends.elasticsearch.connection import ConnectionOptions, connect
from search.backends.elasticsearch.store import ElasticsearchBackend
from search.models import Article

pytestmark = pytest.mark.elasticsearch


def open_with(answer, after_alias_check: bool = False) -> ElasticsearchBackend:
    """Open a backend whose every request gets ``answer`` (or every one after
    the alias check, which is a HEAD request and carries no error body)."""
    wire = Wire(lambda request: (200, {}) if after_alias_check and request.method == "HEAD" else answer)
    return ElasticsearchBackend(wire.client(retries=0), URL)


def test_connection_refused() -> None:
    with pytest.raises(BackendError) as caught:
        open_with(TransportConnectionError("[Errno 111] Connection refused"))
    message = str(caught.value)
    assert message.startswith(f"cannot connect to Elasticsearch at {URL} while opening index 'arshif'")
    assert "docker compose up -d elasticsearch" in message and "\n" not in message


def test_timeout() -> None:
    with pytest.raises(BackendError, match=f"{URL} did not answer in time.*ARSHIF_ES_TIMEOUT"):
        open_with(ConnectionTimeout("timed out"))


def test_wrong_password() -> None:
    body = error_body("security_exception", "unable to authenticate user [elastic]", 401)
    with pytest.raises(BackendError, match=f"{URL} rejected our credentials \\(401\\).*ARSHIF_ES_PASSWORD"):
        open_with((401, body))


def test_missing_privileges() -> None:
    body = error_body("security_exception", "action [indices:admin/aliases/get] is unauthorized", 403)
    with pytest.raises(
        BackendError, match="refused resolving alias 'arshif' \\(403 security_exception\\).*unauthorized"
    ):
        open_with((403, body), after_alias_check=True)


def test_missing_index_names_the_fix() -> None:
    body = error_body("index_not_found_exception", "no such index [arshif]", 404)
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_count"): (404, body)}))
    store = ElasticsearchBackend(wire.client(), URL)
    with pytest.raises(BackendError, match="has no arshif index \\(no such index \\[arshif\\]\\).*arshif index PATH"):
        store.count()


def test_overloaded_cluster() -> None:
    body = error_body("es_rejected_execution_exception", "rejected execution of search", 429)
    wire = Wire(routes(existing_index() | {("POST", "/arshif/_count"): (429, body)}))
    store = ElasticsearchBackend(wire.client(retries=0), URL)
    with pytest.raises(BackendError, match="is overloaded \\(429 es_rejected_execution_exception\\).*retry later"):
        store.count()


def test_whole_bulk_request_throttled_is_retried_then_reported() -> None:
    body = error_body("es_rejected_execution_exception", "queue capacity reached", 429)
    wire = Wire(routes(existing_index() | {("PUT", "/_bulk"): (429, body)}))
    store = ElasticsearchBackend(wire.client(retries=0), URL, max_retries=2, initial_backoff=0)
    with pytest.raises(BackendError, match="overloaded \\(429.*lower the batch size"):
        store.upsert([Article(id="a", body="نص")])
    assert len(wire.find("PUT", "/_bulk")) == 3


def test_mapping_conflict() -> None:
    body = error_body(
        "illegal_argument_exception", "mapper [date] cannot be changed from type [date] to [keyword]", 400
    )
    wire = Wire(routes({("HEAD", "/_alias/arshif"): (404, {}), ("PUT", "/arshif-v1"): (400, body)}))
    with pytest.raises(BackendError, match="mapping conflict in Elasticsearch at .*cannot be changed.*arshif reindex"):
        ElasticsearchBackend(wire.client(), URL, create=True)


def test_client_newer_than_server() -> None:
    body = error_body("media_type_header_exception", "Invalid media-type value on headers [Accept]", 400)
    with pytest.raises(BackendError, match="client is newer than the server.*elasticsearch>=8.14,<9"):
        open_with((400, body), after_alias_check=True)


def test_settings_are_checked_before_connecting(tmp_path) -> None:
    with pytest.raises(BackendError, match="write it as http"):
        connect(ConnectionOptions(url="es.example.org:9200"))
    with pytest.raises(BackendError, match="needs ARSHIF_ES_PASSWORD"):
        connect(ConnectionOptions(url=URL, username="elastic"))
    with pytest.raises(BackendError, match="no certificate file"):
        connect(ConnectionOptions(url="https://es:9200", ca_certs=tmp_path / "missing.pem"))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "command",
    [["stats"], ["search", "نفط"], ["index", "news.jsonl"], ["reindex"], ["serve", "--port", "{taken_port}"]],
)
def test_cli_reports_an_unreachable_cluster_in_one_line(command: list[str], monkeypatch, tmp_path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("ARSHIF_ES_TIMEOUT", "2")
    with socket.socket() as taken:  # were serve to get past the cluster, it could not bind: it fails, never hangs
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        args = [arg.format(taken_port=taken.getsockname()[1]) for arg in command]
        started = time.perf_counter()
        result = CliRunner().invoke(app, [*args, "--es-url", url])  # the URL implies the backend
    assert result.exit_code == 1
    assert time.perf_counter() - started < 10
    output = result.output.strip()
    assert output.startswith(f"error: cannot connect to Elasticsearch at {url}")
    assert "Traceback" not in output


def test_cli_rejects_an_unknown_backend() -> None:
    result = CliRunner().invoke(app, ["stats", "--backend", "solr"])
    assert result.exit_code == 1
    assert "setting backend (--backend / ARSHIF_BACKEND)" in result.output and "embedded" in result.output
