"""Login protection for the admin, with django-axes.

Failed logins are counted per user name and per client address (the one
the proxy in front reports, when the deployment says there is one); after
AXES_FAILURE_LIMIT of either within AXES_COOLOFF_TIME, further attempts are
refused before any password is checked, so guessing costs the server a
database lookup, not a password hash. Staff get a Vietnamese page saying
when to try again; each failure and lockout is logged and listed, for
superusers only, in the admin under "Đăng nhập".
"""
