"""Two-step sign-in for the admin (django-otp): after the password, a code
from an authenticator app (TOTP) or a one-time backup code.

Superusers and editors (whoever may publish or manage staff: policy.py) must
enrol, writers may (TWO_STEP_REQUIRED_FOR); a staff member who owes a second
step reaches only its pages until it is done (middleware.py). Wrong codes
are failed logins to django-axes, so they lock out like wrong passwords
(views.py); a superuser can reset a colleague's device (admin.py). Every
step goes to the activity log.
"""
