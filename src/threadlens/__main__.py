"""``python -m threadlens`` runs the command line."""

from .cli import main

main()
