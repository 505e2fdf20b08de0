"""A toy third provider, to show (and prove) that a provider is one folder.

Its files are the ones a real provider has: ``params.py`` and ``records.py`` (pure: the toy
API's query and records), ``service.py`` (the client: list and get over the core transport
and pager, naming its emulator), ``emulator.py`` (its half of the sandbox: routes, seeded
data, errors and the facts the contract suite checks). Registering it
(:func:`tests.toy.registration.toy_provider`) is all it takes to get ``confclient.connect``,
the sandbox, the pytest plugin, the contract suite and the command.
"""
