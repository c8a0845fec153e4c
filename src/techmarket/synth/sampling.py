"""Weighted choice by one bisect on precomputed cumulative weights (the generator's hot path).

The cumulative weights are normalised so the last is exactly 1.0: `random()` is < 1.0, so
`bisect_right(cum, random())` is always a valid index and hot loops can inline it.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


class Weighted(Generic[T]):
    """Items with weights; `pick` costs one random number and one bisect, not a scan."""

    __slots__ = ("cum", "items")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights) or min(weights) < 0 or sum(weights) <= 0:
            raise ValueError("need as many non-negative weights as items, and a positive sum")
        total = float(sum(weights))
        self.items: tuple[T, ...] = tuple(items)
        self.cum: list[float] = [w / total for w in accumulate(weights)]
        self.cum[-1] = 1.0

    @classmethod
    def of(cls, mapping: Mapping[T, float]) -> Weighted[T]:
        """From a {item: weight} mapping (insertion order kept, so picks are reproducible)."""
        return cls(list(mapping), list(mapping.values()))

    @classmethod
    def mixture(cls, parts: Mapping[str, tuple[float, Weighted[T]]]) -> Weighted[T]:
        """One distribution from weighted sub-distributions: a pick costs one bisect, not two."""
        items: list[T] = []
        weights: list[float] = []
        total = sum(share for share, _ in parts.values())
        for share, part in parts.values():
            previous = 0.0
            for item, cum in zip(part.items, part.cum, strict=True):
                items.append(item)
                weights.append(share / total * (cum - previous))
                previous = cum
        return cls(items, weights)

    def mapped(self, fn: Callable[[T], U]) -> Weighted[U]:
        """The same weights over transformed items."""
        new: Weighted[U] = object.__new__(Weighted)
        new.items = tuple(fn(item) for item in self.items)
        new.cum = self.cum
        return new

    def pick(self, rnd: random.Random) -> T:
        """One item, with probability proportional to its weight."""
        return self.items[bisect_right(self.cum, rnd.random())]
