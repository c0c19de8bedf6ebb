"""Fuzzy matching of people, addresses and companies across scripts, spellings and typos."""
from .address import *  # noqa: F401,F403
from .blocking import *  # noqa: F401,F403
from .company import *  # noqa: F401,F403
from .person import *  # noqa: F401,F403
from .translit import *  # noqa: F401,F403
