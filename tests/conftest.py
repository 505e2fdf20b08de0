from __future__ import annotations

from tests import _aioresponses_compat

_aioresponses_compat.install()

# The toy third provider's registration fixture, and a real redis-server (tests/_redis.py),
# for every test that asks for them.
pytest_plugins = ["tests.toy.registration", "tests._redis"]
