"""``python -m confclient`` runs the ``confclient`` command."""

from .cli import main

raise SystemExit(main())
