"""Documents staff upload and readers download: content checks (checks.py),
the names they are shown and stored under (names.py), the download response
that makes the browser save them (download.py), the admin's file input
(widgets.py), and the cells of a CSV staff open in a spreadsheet
(spreadsheets.py).

A building block: it knows nothing of articles or wards; the app that owns
a file decides who may have it and at which address.
"""
