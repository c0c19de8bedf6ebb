"""Forms of the analysts' pages; what they mean is decided by the services."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IndicatorKind

PARAMS_HELP = _(
    'JSON. origin_country / destination_country: {"countries": ["US", "TR"]}; '
    'route: {"origin": ["US"], "destination": ["GR"]}; carrier: {"carriers": ["UPS", "DHL*"]}; '
    'declared_content: {"words": ["speaker*", "spare parts"]}; weight_range: {"min_g": 800, '
    '"max_g": 3000}; watched_selector: {"selectors": [{"type": "phone", "value": "+30 694 123 4567"}]}; '
    'earlier_selector: {} or {"types": ["phone", "email"], "report_kinds": ["hit"]}; '
    'earlier_person: {"min_score": 0.8}; dark_web: {} or {"signals": ["marketplace", '
    '"crypto_payment"], "words": ["escrow"]}.'
)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    params = forms.CharField(
        label=_("Parameters"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="{}",
        help_text=PARAMS_HELP,
        required=False,
    )
    weight = forms.FloatField(label=_("Weight"), initial=10, min_value=-100, max_value=100)
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean_params(self):
        raw = self.cleaned_data["params"].strip() or "{}"
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": exc}) from None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, JSON (an array) or JSON Lines; columns in docs/intel.md."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    room = forms.TypedChoiceField(label=_("Room"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", _('"Earlier seizures" (made if missing)'))] + [
            (room.pk, room.name) for room in rooms
        ]
