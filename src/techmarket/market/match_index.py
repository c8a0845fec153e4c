"""The saved match index of each kind: built from the published listings, rebuilt when they change.

Layout under `settings.MATCH_INDEX_DIR` (default `var/match/`):

    achievement/current.json        {"folder", "stamp", "listings", "vectors", "built_at"}
    achievement/<generation>/       one `MatchIndex.save` folder (bm25s, faiss, columns, ids)
    achievement.lock                held by the one process rebuilding that kind

A rebuild writes a new generation folder and then replaces `current.json` (an atomic rename), so
a reader loads either the old index or the new one; the generation before is kept one round for
a process still loading it. The engine's ids are the listings' primary keys as strings.

Whether an index is current is a cheap question to the database (`change_stamp`: how many
listings are published, the highest id, the latest change and how many have a vector). A search
that finds the index stale uses it anyway and starts a rebuild in a background thread (one
process at a time, by the lock), unless the kind has at most `MATCH_INLINE_REBUILD_LIMIT`
published listings: then the request rebuilds at once (0.7 s at 2,000), so a listing saved
in a page is found by the next search. The embedding worker (`techmarket market embed --watch`,
started by `serve`) rebuilds too after each round, and the importing command before it returns.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q

from techmarket.codes.lists import code_list
from techmarket.domain.listings import Kind
from techmarket.domain.problems import Unavailable
from techmarket.market.models import Listing
from techmarket.market.selectors import published_listings
from techmarket.market.vectors import vector_of
from techmarket.matching import ListingText, MatchIndex
from techmarket.matching.embed import DIM

log = logging.getLogger(__name__)
POINTER = "current.json"
_loaded: dict[str, tuple[str, MatchIndex]] = {}  # kind → (generation folder, index)
_loaded_lock = threading.Lock()
_building: set[str] = set()  # kinds this process rebuilds in a background thread now


def index_root() -> Path:
    return Path(settings.MATCH_INDEX_DIR)


def forget() -> None:
    """Drop the indexes this process holds (tests; a changed MATCH_INDEX_DIR)."""
    with _loaded_lock:
        _loaded.clear()


# From a listing to what the engine reads ------------------------------------------------------


def _names(list_name: str) -> dict[str, str]:
    return {c.code: c.name for c in code_list(list_name)}


def _fen(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)  # yuan to the fen: exact


def listing_text(kind: Kind, listing: Listing) -> ListingText:
    """The engine's view of a listing: text, field, region, modes (Chinese names, which the
    engine folds across the two kinds' lists), amount in fen (None: 面议) and maturity."""
    if kind == "achievement":
        codes, names = listing.transfer_modes, _names("listing_transfer_modes")  # type: ignore[attr-defined]
        amount = None if listing.price_negotiable else _fen(listing.price)  # type: ignore[attr-defined]
        maturity = _names("listing_maturities").get(listing.maturity) or None  # type: ignore[attr-defined]
    else:
        codes, names = listing.cooperation_modes, _names("listing_cooperation_modes")  # type: ignore[attr-defined]
        top = listing.budget_max if listing.budget_max is not None else listing.budget_min  # type: ignore[attr-defined]
        amount = None if listing.budget_negotiable else _fen(top)  # type: ignore[attr-defined]
        # A demand's maturity is the stage it needs: the achievement's is compared with it.
        maturity = _names("listing_maturities").get(listing.stage_needed) or None  # type: ignore[attr-defined]
    summary = "。".join(p.strip() for p in (listing.summary, listing.indicators) if p.strip())
    return ListingText(
        id=str(listing.pk),
        title=listing.title,
        summary=summary,
        field=listing.tech_field or None,
        region=listing.region_code or None,
        modes=frozenset(names.get(c, c) for c in codes.split(";") if c),
        amount_fen=amount,
        maturity=maturity,
    )


# Is the saved index current? ------------------------------------------------------------------


def change_stamp(kind: Kind) -> str:
    """Changes whenever a listing is published, changed, leaves the market or gets its vector."""
    facts = published_listings(kind).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        changed=Max("updated_at"),
        vectors=Count("pk", filter=Q(vector__isnull=False)),
    )
    changed = facts["changed"].isoformat() if facts["changed"] else "-"
    return f"{facts['n']}:{facts['last'] or 0}:{changed}:{facts['vectors']}"


@dataclass(frozen=True)
class Pointer:
    folder: str | None  # None: no published listing when it was built
    stamp: str
    listings: int
    vectors: int
    built_at: float


def read_pointer(kind: Kind) -> Pointer | None:
    path = index_root() / kind / POINTER
    try:
        return Pointer(**json.loads(path.read_text("utf-8")))
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        return None


@contextmanager
def _writer_lock(kind: Kind, *, wait: bool) -> Iterator[bool]:
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / f"{kind}.lock").open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Building ---------------------------------------------------------------------------------------


def rebuild(kind: Kind, *, wait: bool = True, force: bool = False) -> Pointer | None:
    """Build the kind's index from the published listings and publish it; returns the new
    pointer, or None when another process holds the lock and `wait` is off. Does nothing
    when the saved index is already current (unless `force`)."""
    with _writer_lock(kind, wait=wait) as held:
        if not held:
            return None
        stamp = change_stamp(kind)  # read first: a change during the build leaves it stale
        pointer = read_pointer(kind)
        if pointer is not None and pointer.stamp == stamp and not force:
            return pointer
        started = time.monotonic()
        docs, vectors = [], []
        for listing in published_listings(kind).order_by("pk").iterator(chunk_size=2000):
            docs.append(listing_text(kind, listing))
            vectors.append(vector_of(listing))
        folder = None
        embedded = sum(v is not None for v in vectors)
        if docs:
            matrix = None
            if embedded:
                matrix = np.zeros((len(docs), DIM), dtype=np.float32)
                for row, vector in enumerate(vectors):
                    if vector is not None:
                        matrix[row] = vector
            folder = f"{time.time_ns()}"
            MatchIndex.build(docs, vectors=matrix).save(index_root() / kind / folder)
        pointer = Pointer(folder, stamp, len(docs), embedded, time.time())
        _publish(kind, pointer)
        log.info(
            "match index %s: %d listings, %d with vectors, built in %.1f s",
            kind,
            len(docs),
            embedded,
            time.monotonic() - started,
        )
        return pointer


def _publish(kind: Kind, pointer: Pointer) -> None:
    """Replace current.json atomically, then remove generations older than the one before."""
    base = index_root() / kind
    base.mkdir(parents=True, exist_ok=True)
    previous = read_pointer(kind)
    temporary = base / f"{POINTER}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(pointer.__dict__), "utf-8")
    os.replace(temporary, base / POINTER)
    keep = {pointer.folder, previous.folder if previous else None}
    for child in base.iterdir():
        if child.is_dir() and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def _rebuild_in_background(kind: Kind) -> None:
    """One thread per kind and process; the lock keeps other processes out."""
    with _loaded_lock:
        if kind in _building:
            return
        _building.add(kind)

    def work() -> None:
        try:
            rebuild(kind, wait=False)
        except Exception:  # a failed rebuild leaves the old index in use; the log says why
            log.exception("rebuilding the %s match index failed", kind)
        finally:
            connection.close()
            with _loaded_lock:
                _building.discard(kind)

    threading.Thread(target=work, name=f"match-index-{kind}", daemon=True).start()


# Reading ----------------------------------------------------------------------------------------


def _load(kind: Kind, pointer: Pointer) -> MatchIndex | None:
    if pointer.folder is None:
        return None
    with _loaded_lock:
        held = _loaded.get(kind)
        if held is not None and held[0] == pointer.folder:
            return held[1]
    index = MatchIndex.load(index_root() / kind / pointer.folder)
    with _loaded_lock:
        _loaded[kind] = (pointer.folder, index)
    return index


def current_index(kind: Kind) -> MatchIndex | None:
    """The kind's index for a search now: None when nothing is published.

    Current → used. Stale, and the kind small enough → rebuilt now. Stale and large → the old
    index is used while a background thread rebuilds. No index yet and large → `Unavailable`
    (the worker or the next import builds it) rather than a request waiting half a minute.
    """
    stamp = change_stamp(kind)
    pointer = read_pointer(kind)
    if pointer is not None and pointer.stamp == stamp:
        return _load(kind, pointer)
    count = int(stamp.split(":", 1)[0])
    if count <= settings.MATCH_INLINE_REBUILD_LIMIT:
        built = rebuild(kind, wait=True)
        return _load(kind, built) if built is not None else None
    _rebuild_in_background(kind)
    if pointer is None:
        raise Unavailable(
            "匹配索引正在建立，请稍后再试",
            "the match index is being built; try again shortly",
            code="match_index_building",
            kind=kind,
        )
    return _load(kind, pointer)


def listings_by_key(kind: Kind, keys: list[str]) -> dict[str, Listing]:
    """The published listings behind a page of hits, by the engine's id (a listing that has
    left the market since the index was built is simply absent)."""
    ids = [int(key) for key in keys]
    found = published_listings(kind).filter(pk__in=ids).select_related("owner")
    return {str(listing.pk): listing for listing in found}


def external_ids(kind: Kind) -> dict[str, str]:
    """Engine id → external_id of every published listing (batch output names listings so)."""
    rows = published_listings(kind).values_list("pk", "external_id")
    return {str(pk): ext for pk, ext in rows}
