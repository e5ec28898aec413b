from django.core.exceptions import FieldDoesNotExist, ValidationError


def explain(error: ValidationError, *models) -> str:
    """A model ValidationError in one line for staff, each complaint after
    the label of its field ("tên phường: Trường này không được để trắng.")."""
    parts = []
    for field, messages in error.message_dict.items():
        label = models[0]._meta.verbose_name
        for model in models:
            try:
                label = model._meta.get_field(field).verbose_name
                break
            except FieldDoesNotExist:
                continue
        parts.append(f"{label}: {' '.join(messages)}")
    return "; ".join(parts)
