"""Run a pure, CPU-bound generator in a forked process while this one writes to the database.

On two cores, parsing and validating a file in one process and inserting in the other roughly
halves an import's wall time. Items travel in chunks through a bounded queue, so memory stays
flat however long the file is. The child touches no database connection.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
_DONE = "__done__"


def _produce(factory: Callable[[], Iterable[T]], queue: multiprocessing.Queue, chunk: int) -> None:
    try:
        items = iter(factory())
        while batch := list(islice(items, chunk)):
            queue.put(batch)
        queue.put(_DONE)
    except BaseException as error:  # handed to the parent, which re-raises it
        try:
            queue.put(("__error__", error))
        except Exception:
            queue.put(("__error__", RuntimeError(traceback.format_exc())))


def in_child_process(
    factory: Callable[[], Iterable[T]], *, chunk: int = 500, depth: int = 16
) -> Iterator[T]:
    """Yield what `factory()` yields, computed in a forked child process."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=depth)
    child = context.Process(target=_produce, args=(factory, queue, chunk), daemon=True)
    child.start()
    try:
        while True:
            batch = queue.get()
            if batch == _DONE:
                break
            if isinstance(batch, tuple) and batch and batch[0] == "__error__":
                raise batch[1]
            yield from batch
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
