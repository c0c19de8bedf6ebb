"""SymSpell-style one-deletion keys and an in-memory reference index.

A word and every string made by deleting one of its letters are indexed in the same key
namespace; two words within one edit (insertion, deletion, substitution, adjacent
transposition) then share at least one key. Only the first ``DELETE_PREFIX`` letters are
expanded (as SymSpell's prefix length), which bounds the key count per word: an edit
after the prefix leaves the prefix, and so its keys, unchanged.

``BlockingIndex`` is the pure-Python form of what the database does (a table of
``(key, item_id)`` rows with an index on ``key``)::

    SELECT item_id, COUNT(*) AS shared FROM crossmatch_key
     WHERE key = ANY(%(keys)s) AND item_id <> %(me)s
     GROUP BY item_id ORDER BY shared DESC LIMIT %(limit)s

It is used by the tests and by anything that needs the same retrieval without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

__all__ = ["DELETE_PREFIX", "deletes", "BlockingIndex"]

DELETE_PREFIX = 7


def deletes(word: str, prefix: int = DELETE_PREFIX) -> list[str]:
    """All distinct one-deletion variants of ``word[:prefix]`` (the prefix itself included
    when ``word`` is longer than the prefix, so a longer word still meets its own prefix)."""
    head = word[:prefix]
    out = dict.fromkeys(head[:i] + head[i + 1 :] for i in range(len(head)))
    if len(word) > prefix:
        out[head] = None
    out.pop(word, None)
    return list(out)


class BlockingIndex:
    """Inverted index key -> item ids; candidates ranked by the number of shared keys."""

    def __init__(self) -> None:
        self._postings: dict[str, set[Hashable]] = defaultdict(set)
        self._keys: dict[Hashable, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, item_id: Hashable, keys: Iterable[str]) -> None:
        ks = frozenset(keys)
        self._keys[item_id] = ks
        for k in ks:
            self._postings[k].add(item_id)

    def posting_size(self, key: str) -> int:
        return len(self._postings.get(key, ()))

    def candidates(
        self,
        keys: Iterable[str],
        *,
        limit: int | None = None,
        max_posting: int | None = None,
        exclude: Hashable | None = None,
    ) -> list[tuple[Hashable, int]]:
        """Items sharing at least one key, as (item_id, shared_key_count), most shared first.

        ``max_posting`` skips keys held by more items than that (stop keys such as the
        deletions of a very common surname) - unless every key of the query is that common.
        """
        keys = list(dict.fromkeys(keys))
        if max_posting is not None:
            rare = [k for k in keys if len(self._postings.get(k, ())) <= max_posting]
            if rare:
                keys = rare
        counts: dict[Hashable, int] = defaultdict(int)
        for k in keys:
            for item in self._postings.get(k, ()):
                counts[item] += 1
        counts.pop(exclude, None)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        return ranked[:limit] if limit is not None else ranked
