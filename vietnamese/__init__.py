"""How the portal handles Vietnamese: text rules and messages for staff.

A building block: it knows nothing of articles or wards.
"""
