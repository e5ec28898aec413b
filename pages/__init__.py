"""Readers' pages as the page cache sees them: which views' pages may be
kept, and for how long (decorators.py), and the generations that tell every
process when a ward's kept pages went stale (generations.py). The page-cache
middleware that keeps them is the project shell's (wardnews/pagecache.py).

A building block: it knows nothing of articles or wards beyond a ward's id.
"""
