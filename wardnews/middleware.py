from django.middleware.gzip import GZipMiddleware


class TextGZipMiddleware(GZipMiddleware):
    """Compresses pages, feeds and the like, not pictures: a JPEG or PNG is
    compressed already, and gzip would only cost CPU and drop its length."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("image/"):
            return response
        return super().process_response(request, response)
