"""Weighted choice by one bisect on precomputed cumulative weights (the generator's hot path)."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with weights; `pick` costs one random number and one bisect, not a scan."""

    __slots__ = ("_cum", "_items", "_last", "_total")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("need as many weights as items, and at least one item")
        self._items = tuple(items)
        self._cum = list(accumulate(weights))
        self._total = self._cum[-1]
        self._last = len(self._items) - 1

    @classmethod
    def of(cls, mapping: Mapping[T, float]) -> Weighted[T]:
        """From a {item: weight} mapping (insertion order kept, so picks are reproducible)."""
        return cls(list(mapping), list(mapping.values()))

    def pick(self, rnd: random.Random) -> T:
        """One item, with probability proportional to its weight."""
        index = bisect_right(self._cum, rnd.random() * self._total)
        return self._items[min(index, self._last)]

    @property
    def items(self) -> tuple[T, ...]:
        return self._items
