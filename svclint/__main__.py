from __future__ import annotations

from svclint.cli import main

if __name__ == "__main__":
    main()
