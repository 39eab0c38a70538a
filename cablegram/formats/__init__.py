"""cablegram.formats"""
