"""``python -m docgen`` is the ``docgen`` command."""

from .cli import main

main()
