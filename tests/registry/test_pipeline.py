"""Rows checked in child processes come back complete and in input order."""

import pytest

from techmarket.registry.pipeline import in_child_processes, share


def _doubled(worker: int, workers: int):
    return (x * 2 for x in share(range(2345), worker, workers, 100))


def test_results_come_back_in_input_order_whatever_the_number_of_workers():
    for workers in (1, 2, 3):
        assert list(in_child_processes(_doubled, workers=workers, chunk=100)) == [
            x * 2 for x in range(2345)
        ]


def _failing(worker: int, workers: int):
    for x in share(range(1000), worker, workers, 100):
        if x == 650:
            raise ValueError("row 650 is unreadable")
        yield x


def test_an_error_in_a_child_reaches_the_parent():
    with pytest.raises(ValueError, match="650"):
        list(in_child_processes(_failing, workers=2, chunk=100))
