"""cablegram.archive"""
