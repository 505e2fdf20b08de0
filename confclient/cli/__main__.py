"""``python -m confclient.cli`` runs the ``confclient`` command."""

from . import main

raise SystemExit(main())
