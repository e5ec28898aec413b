from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect

from .hosts import url_on_ward
from .staff import user_wards


def view_on_site(request, content_type_id, object_id):
    """The admin's "Xem trên trang" redirect. Django's own sends any staff
    member to any object's page (so its slug, even a draft's, shows in the
    address); a ward's objects are for its staff only, on its own host."""
    try:
        content_type = ContentType.objects.get(pk=int(content_type_id))
        if content_type.model_class() is None:  # A model since removed.
            raise Http404("Không tìm thấy đối tượng.")
        obj = content_type.get_object_for_this_type(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404("Không tìm thấy đối tượng.") from None
    ward_id = getattr(obj, "ward_id", None)
    if ward_id is None:
        return contenttype_views.shortcut(request, content_type_id, object_id)
    ward = next((w for w in user_wards(request) if w.pk == ward_id), None)
    if ward is None or not hasattr(obj, "get_absolute_url"):
        raise Http404("Không tìm thấy đối tượng.")
    return redirect(url_on_ward(request, ward, obj.get_absolute_url()))
