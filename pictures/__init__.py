"""Pictures staff upload: checks that take only real, upright, metadata-free
pictures (checks.py), the model field that applies them (fields.py), the
renditions readers' browsers are offered (renditions.py) and the template
tags that show them (templatetags/pictures.py).

A building block: it knows nothing of articles or wards.
"""
