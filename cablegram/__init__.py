"""cablegram: diplomatic cables, archived and sent."""

__version__ = "0.1.0"
