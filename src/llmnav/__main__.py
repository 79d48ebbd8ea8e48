"""``python -m llmnav`` runs the command line."""

from llmnav.cli import main

main()
