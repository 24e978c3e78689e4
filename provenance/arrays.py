"""Array steps that several stages share."""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct integers of an array (flattened), ascending, as ``np.unique`` gives them.

    By a sort: for values alone, NumPy 2.3 and later use a hash table instead, which costs 6 to 80
    times as much on the arrays a scan has (400 to 100,000 keys: 23 against 4 us, 52 against 0.7 ms).
    """
    ordered = np.sort(values, axis=None)
    if len(ordered) == 0:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]
