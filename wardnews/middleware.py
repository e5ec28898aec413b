from django.middleware.gzip import GZipMiddleware


class TextGZipMiddleware(GZipMiddleware):
    """Compresses pages, feeds and the like, not pictures or downloads: a
    JPEG, PNG, PDF or Office file is compressed already, and gzip would only
    cost CPU and drop its length (a phone's download shows no progress)."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("image/"):
            return response
        if response.get("Content-Disposition", "").startswith("attachment"):
            return response
        return super().process_response(request, response)
