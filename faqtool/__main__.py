"""Entry point of ``python -m faqtool``."""

from __future__ import annotations

import sys

from faqtool.cli import main

if __name__ == "__main__":
    sys.exit(main())
