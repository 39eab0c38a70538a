"""``python -m cablegram``: the same as the ``cablegram`` command."""

from cablegram.cli import main

if __name__ == "__main__":
    main()
