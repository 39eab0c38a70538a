"""Synthetic cables for tests, the demo and the benchmarks (see docs/synth.md).

``generate(count, seed)`` yields cables drawn from distributions measured on
the real corpus; ``output.write`` renders them as telegram text, WikiLeaks
pages or cables.csv.
"""

from cablegram.synth.generator import Generator, generate

__all__ = ["Generator", "generate"]
