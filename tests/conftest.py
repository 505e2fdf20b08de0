from __future__ import annotations

from tests import _aioresponses_compat

_aioresponses_compat.install()

# The toy third provider's registration fixture, for every test that asks for it.
pytest_plugins = ["tests.toy.registration"]
