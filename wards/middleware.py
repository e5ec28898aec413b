from .hosts import ward_for_host


class CurrentWardMiddleware:
    """Sets request.ward from the Host header, once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # get_host() refuses hosts outside ALLOWED_HOSTS (a 400) first.
        request.ward = ward_for_host(request.get_host())
        return self.get_response(request)
