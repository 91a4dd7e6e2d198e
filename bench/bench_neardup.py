"""Near-duplicate detection: precision and recall on copies with edits.

Builds a labelled set from the dev archive (../shared/data/news-dev.jsonl.gz):

1. a sample of distinct articles (any article that already has a near
   duplicate in the sample at Jaccard >= 0.3 is dropped, so the only true
   pairs are the ones made here);
2. for a share of them, copies with edits a syndicating site makes:
   ``wire``    new first line (agency dateline) and last paragraph dropped;
   ``light``   5% of words replaced, one sentence deleted;
   ``medium``  a passage of 15% of the words rewritten, 30 words of another
               article appended;
   and, labelled NOT duplicates, ``rewrite``: half the words replaced and
   sentences shuffled (the same story rewritten, which should stay apart).

Every copy goes through the real ``DuplicateStore`` (SQLite on a temp dir),
after all originals. A copy placed in its original's cluster is a true
positive; placed anywhere else, a false positive; a ``rewrite`` placed with
its original is a false positive too. Run::

    python bench/bench_neardup.py [--sample 3000] [--thresholds 0.3,0.4,0.5,0.6,0.7]
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import DATA as DATA_DIR
from indexer.duplicates import DuplicateStore
from indexer.minhash import MinHasher
from search.analysis import Analyzer

DATA = DATA_DIR / "news-dev.jsonl.gz"
POSITIVE = ("wire", "light", "medium")


def load(sample: int, seed: int) -> list[dict]:
    with gzip.open(DATA, "rb") as handle:
        records = [orjson.loads(line) for line in handle]
    rng = random.Random(seed)
    records = [r for r in records if len(r["body"].split()) >= 60]
    return rng.sample(records, min(sample * 2, len(records)))


def distinct(records: list[dict], sample: int, analyzer: Analyzer) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        store = DuplicateStore(Path(tmp) / "d.sqlite", threshold=0.3, analyzer=analyzer)
        kept = []
        for record in records:
            fingerprint = store.fingerprint(record["body"])
            if store.same_body(fingerprint, record["id"]) or store.place(record["id"], fingerprint).cluster:
                continue
            kept.append(record)
            if len(kept) == sample:
                break
        store.close()
    return kept


def _replace(words: list[str], share: float, vocabulary: list[str], rng: random.Random) -> list[str]:
    out = list(words)
    for i in rng.sample(range(len(out)), int(len(out) * share)):
        out[i] = rng.choice(vocabulary)
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in text.replace("\n", " . ").split(".") if s.strip()]


def edit(kind: str, body: str, other: str, vocabulary: list[str], rng: random.Random) -> str:
    if kind == "wire":
        paragraphs = [p for p in body.split("\n") if p.strip()]
        kept = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
        return "الرياض - واس:\n" + "\n".join(kept)
    if kind == "light":
        sentences = _sentences(body)
        if len(sentences) > 3:
            sentences.pop(rng.randrange(len(sentences)))
        return " ".join(_replace(".".join(sentences).split(), 0.05, vocabulary, rng))
    if kind == "medium":
        words = body.split()
        span = len(words) * 15 // 100
        start = rng.randrange(max(len(words) - span, 1))
        words[start : start + span] = rng.sample(vocabulary, span)
        return " ".join(words) + "\n" + " ".join(other.split()[:30])
    sentences = _sentences(" ".join(_replace(body.split(), 0.5, vocabulary, rng)))
    rng.shuffle(sentences)
    return ". ".join(sentences)


def evaluate(
    base: list[dict], copies: list[tuple[str, str, str]], threshold: float, perm: int, shingle: int, analyzer: Analyzer
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        store = DuplicateStore(
            Path(tmp) / "d.sqlite",
            threshold=threshold,
            hasher=MinHasher(num_perm=perm, shingle=shingle),
            analyzer=analyzer,
        )
        cluster_of = {}
        started = time.perf_counter()
        for record in base:
            placement = store.place(record["id"], store.fingerprint(record["body"]))
            cluster_of[record["id"]] = placement.cluster
            for other, cluster in placement.relabelled.items():
                cluster_of[other] = cluster
        base_fp = sum(1 for c in cluster_of.values() if c)
        found = {kind: 0 for kind in (*POSITIVE, "rewrite")}
        wrong = 0
        for number, (kind, original, body) in enumerate(copies):
            placement = store.place(f"copy-{number}", store.fingerprint(body))
            for other, cluster in placement.relabelled.items():
                cluster_of[other] = cluster
            if not placement.cluster:
                continue
            if (
                placement.cluster == (cluster_of[original] or original)
                and kind in POSITIVE
                or kind == "rewrite"
                and placement.cluster == (cluster_of[original] or original)
            ):
                found[kind] += 1
            else:
                wrong += 1
        seconds = time.perf_counter() - started
        store.close()
    total = {kind: sum(1 for c in copies if c[0] == kind) for kind in found}
    true_positives = sum(found[k] for k in POSITIVE)
    false_positives = wrong + found["rewrite"] + base_fp
    positives = sum(total[k] for k in POSITIVE)
    precision = true_positives / max(true_positives + false_positives, 1)
    recall = true_positives / max(positives, 1)
    return {
        "threshold": threshold,
        "perm": perm,
        "shingle": shingle,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
        "recall_by_edit": {k: round(found[k] / max(total[k], 1), 3) for k in POSITIVE},
        "rewrites_clustered": f"{found['rewrite']}/{total['rewrite']}",
        "other_false_positives": f"{wrong} copies, {base_fp} originals",
        "ms_per_article": round(1000 * seconds / (len(base) + len(copies)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=3000, help="distinct originals")
    parser.add_argument("--copies", type=int, default=1000, help="originals that get copies (one per edit kind)")
    parser.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    parser.add_argument("--perms", default="64,128")
    parser.add_argument("--shingles", default="3")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs the dev archive")
    analyzer = Analyzer()
    rng = random.Random(args.seed)
    base = distinct(load(args.sample, args.seed), args.sample, analyzer)
    vocabulary = [w for record in base[:300] for w in record["body"].split()]
    copies = []
    for record in rng.sample(base, min(args.copies, len(base))):
        other = rng.choice(base)["body"]
        for kind in (*POSITIVE, "rewrite"):
            copies.append((kind, record["id"], edit(kind, record["body"], other, vocabulary, rng)))
    print(
        f"corpus: {DATA.name}, {len(base)} distinct originals, {len(copies)} copies "
        f"({', '.join(POSITIVE)} = duplicates; rewrite = not)"
    )
    for perm in map(int, args.perms.split(",")):
        for shingle in map(int, args.shingles.split(",")):
            for threshold in map(float, args.thresholds.split(",")):
                print(orjson.dumps(evaluate(base, copies, threshold, perm, shingle, analyzer)).decode(), flush=True)


if __name__ == "__main__":
    main()
