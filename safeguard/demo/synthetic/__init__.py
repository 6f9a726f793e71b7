"""Synthetic datasets for measuring Safeguard at a school's, a trust's and an authority's size.

Nothing here is ever loaded into a real school: see docs/performance.md.
"""
