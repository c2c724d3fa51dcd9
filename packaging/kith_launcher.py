"""Entry point of the frozen app: ``kith`` with the same CLI (no sub-command opens the GUI)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # The vCard parser's process pool uses "spawn": a frozen child must stop here.
    multiprocessing.freeze_support()
    from app.cli import main

    sys.exit(main())
