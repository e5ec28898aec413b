"""The entry form as a ward clerk fills it in: times typed the way they are
said and written in Vietnamese offices."""

import re
from datetime import time

from django import forms
from django.contrib.admin.widgets import AdminDateWidget

from .models import Entry

# "8", "08:00", "8h", "8h30", "8g30", "8 giờ 30", "14.30", "1430": a 24-hour
# time. "8 giờ 30 phút" too.
_TIME = re.compile(
    r"\s*([0-9]{1,2})\s*(?:(?::|\.|h|g|giờ)\s*([0-9]{2})?|([0-9]{2}))?\s*(?:phút)?\s*",
    re.IGNORECASE,
)


def parse_time(value: str) -> time | None:
    """The 24-hour time the text names, or None."""
    match = _TIME.fullmatch(value)
    if match is None:
        return None
    hour = int(match[1])
    minute = int(match[2] or match[3] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeTextField(forms.TimeField):
    """A time in 24 hours, typed as staff write it; shown as 08:00."""

    widget = forms.TimeInput(
        format="%H:%M",
        attrs={"size": 6, "placeholder": "08:00", "autocomplete": "off"},
    )
    default_error_messages = {
        "invalid": "Hãy nhập giờ theo 24 giờ, ví dụ 08:00, 8h30 hoặc 14:00."
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, time):
            return value
        parsed = parse_time(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class EntryForm(forms.ModelForm):
    start = TimeTextField(label="Giờ bắt đầu", help_text="Giờ 24: 08:00, 8h30, 14h.")
    end = TimeTextField(
        label="Giờ kết thúc", required=False, help_text="Để trống nếu không định trước."
    )

    class Meta:
        model = Entry
        fields = "__all__"
        widgets = {
            "day": AdminDateWidget(attrs={"placeholder": "30/11/2026"}),
            "content": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
            "participants": forms.Textarea(
                attrs={"rows": 2, "class": "vLargeTextField"}
            ),
            "chair": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "place": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }
