"""The ward's people on pages of other apps (the wards app's "Liên hệ", the
home page), which must not import this one:

    {% load organisation %}
    {% contact_people ward as people %}
    {% ward_leaders ward as leaders %}

templates/organisation/includes/person.html shows one person.
"""

from django import template

from organisation import blocks

register = template.Library()


@register.simple_tag
def contact_people(ward):
    """The people responsible for residents' contacts (one query)."""
    return blocks.contact_people(ward)


@register.simple_tag
def ward_leaders(ward):
    """The ward's leaders (one query)."""
    return blocks.leaders(ward)
