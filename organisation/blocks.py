"""The ward's people for blocks on other pages, for the lead's home page or
the contact page:

    from organisation.blocks import leaders, contact_people
    leaders(request.ward)         # "Lãnh đạo phường"
    contact_people(request.ward)  # "Người phụ trách tiếp nhận liên hệ"

or in a template, `{% load organisation %}{% ward_leaders ward as leaders %}`
(templatetags/organisation.py). Each is one query, whatever the number of
bodies and people, and lists only the people of the ward's published bodies
(Person.objects.published), body by body in the ward's order, each body's
people in theirs. Each Person has .name, .title, .title_en, .phone,
.phone_link, .email, .photo and .body; templates/organisation/includes/
person.html shows one.
"""

from .models import Person


def leaders(ward) -> list[Person]:
    """The people the ward marks "lãnh đạo phường"."""
    return list(Person.objects.published(ward).filter(is_leader=True).in_page_order())


def contact_people(ward) -> list[Person]:
    """The people the ward marks "người phụ trách tiếp nhận liên hệ"."""
    return list(
        Person.objects.published(ward).filter(handles_contacts=True).in_page_order()
    )
