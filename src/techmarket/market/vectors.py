"""Where listings meet the dense index: the one place the import hands over new text.

The matching engine (`techmarket.matching`, built separately) embeds listings and stores a
float32 vector in `Listing.vector` with the model's name in `vector_model`. Until it lands,
`embed_listings` embeds nothing: the listings it is given keep `vector = NULL`, which is what
`pending` (and the background worker that will call the engine) looks for.

When the engine lands, `embed_listings` should: load the embedder once, embed
`title + summary + indicators` of each listing in batches, calling `progress(n)` after each
batch, and save `vector` and `vector_model` with `update_fields` (no audit event: a vector is
derived data, not a change to the listing). The CLI import already calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db.models import QuerySet

from techmarket.domain.listing_workflow import ListingStatus
from techmarket.domain.listings import Kind
from techmarket.market.models import LISTING_MODELS


def embed_listings(
    kind: Kind, listing_ids: Sequence[int], *, progress: Callable[[int], None] | None = None
) -> int:
    """Embed these listings now (called after an import commits); returns how many were
    embedded. Not yet wired to the matching engine: embeds none."""
    return 0


def pending(kind: Kind) -> QuerySet:
    """Published listings without a vector: the background worker's queue."""
    return (
        LISTING_MODELS[kind]
        .objects.filter(status=ListingStatus.PUBLISHED, vector__isnull=True)
        .order_by("pk")
    )
