"""Numbers given in order within a scope: each ward's articles, documents and
questions numbered 1, 2, 3… as they are made, never reused, so that a ward's
rows can be read a fixed range at a time (its sitemap pages) and their count
known in one look-up, however many it has."""
