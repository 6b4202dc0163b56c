"""``python -m graphkit.synthetic``: write a labelled synthetic corpus (see :mod:`.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
