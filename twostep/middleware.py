from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import policy

STEP_URLS = {policy.VERIFY: "twostep:verify", policy.ENROL: "twostep:enrol"}
# All a half-signed-in session may reach (not the backup codes: new ones
# would be a way round the step).
ON_THE_WAY = {*STEP_URLS.values(), "admin:logout"}


class TwoStepMiddleware:
    """A member of staff who has typed the password but owes a second step
    reaches its pages and the logout, nothing else: any admin address sends
    them to the step (and back afterwards); anywhere else (the editor's
    upload, a preview) they are a reader, with no more rights than one. So
    no address, guessed or crafted, skips the step. A session whose
    password was typed before a reset of the second step ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Readers send no session cookie: their pages never touch the session.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            if policy.ended_by_reset(request):
                logout(request)  # The admin asks for the password again.
            owed = policy.owed_by(request)
            if owed and not self.on_the_way(request):
                if request.path.startswith(reverse("admin:index")):
                    return redirect(to_step(owed, request.get_full_path()))
                request.user = AnonymousUser()
        return self.get_response(request)

    @staticmethod
    def on_the_way(request) -> bool:
        match = request.resolver_match or _resolve(
            request.path_info, getattr(request, "urlconf", None)
        )
        if match is None:
            return False
        return match.view_name in ON_THE_WAY


def _resolve(path, urlconf=None):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path, urlconf)
    except Resolver404:
        return None


def to_step(owed: str, next_url: str = "") -> str:
    url = reverse(STEP_URLS[owed])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
