from .log import current_request


class CurrentRequestMiddleware:
    """Keeps the request at hand for the log's records made deep in a save
    (a role changed in a membership's signal, an article's step), so they
    say who did it and from where without every caller passing it down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
