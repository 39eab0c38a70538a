"""cablegram.vocab"""
