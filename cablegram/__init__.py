"""cablegram: diplomatic cables, archived and sent."""

# First: decides whether the compiled hot modules or their sources are imported.
from cablegram import _native as _native

__version__ = "0.1.0"
