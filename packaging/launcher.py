"""The entry script of the PyInstaller bundle: the same as the ``quire`` console script."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
