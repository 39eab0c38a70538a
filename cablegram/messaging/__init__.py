"""cablegram.messaging"""
