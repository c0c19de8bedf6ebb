"""Each event encoded once per process, not once per socket."""

from collections import OrderedDict


class _EncodedCache:
    """Encode each event once per process, not once per socket."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()

    def get(self, key, build) -> str:
        text = self.items.get(key)
        if text is None:
            text = build()
            self.items[key] = text
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return text


encoded = _EncodedCache()
