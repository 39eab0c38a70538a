"""cablegram.web"""
