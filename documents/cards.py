"""What a document page tells search engines: schema.org Legislation as
JSON-LD, in a <script type="application/ld+json"> data block (not run, so
the CSP allows it), escaped as articles' cards are."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

# As django.utils.html.json_script escapes: "</script>" in a trích yếu stays
# text, and JSON reads \u003C back as "<".
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped above.


def legislation(request, document) -> SafeString:
    url = request.build_absolute_uri(document.get_absolute_url())
    body = {"@type": "GovernmentOrganization", "name": document.issuer_full_name()}
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": f"{document.get_kind_display()} số {document.number}",
        "legislationIdentifier": document.number,
        "legislationType": document.get_kind_display(),
        "legislationDate": document.issued_on.isoformat(),
        "legislationPassedBy": body,
        "author": body,
        "abstract": document.summary,
        "inLanguage": "vi",
        "url": url,
        "legislationLegalForce": (
            "https://schema.org/InForce"
            if document.legal_state == document.LegalState.IN_FORCE
            else "https://schema.org/NotInForce"
        ),
    }
    if document.effective_on:
        data["legislationDateVersion"] = document.effective_on.isoformat()
    return json_ld(data)
