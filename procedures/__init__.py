"""Thủ tục hành chính: the administrative procedures a ward's residents come
for, with the papers each needs, its forms to download and the link to it on
the national public service portal.

Most procedures are the same in every ward of a city: the city's IT keeps
them once, shared by the whole installation, and each ward adds where its
residents hand the papers in and whom they call (a ward's override); a ward
may also publish procedures of its own. ``Procedure.objects.published(ward)``
(models.py) is the one gate readers go through; ``search.matching()`` is what
the site's one search asks of this app.
"""
