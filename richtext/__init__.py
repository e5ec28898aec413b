"""Rich text, as staff write it and readers get it: the allow-list and the
sanitiser every saved body goes through (sanitize.py), the CKEditor widget
configured from that allow-list (editor.py), and the editor's picture upload
and image browser (views.py), which store into and list the folders their
caller gives them.

A building block: it knows nothing of articles or wards.
"""
