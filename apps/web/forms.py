"""Forms of the pages (set-up, analysts'): they parse and check, services write."""

import json
from typing import cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.models import Agency, AgencyKind, Country
from apps.alerts.models import AlertState
from apps.crossmatch.models import MatchKind
from apps.intel.models import IndicatorKind
from apps.operations.models import Operation, Phase
from apps.operations.services import PHASE_ORDER


class DateInput(forms.DateInput):
    input_type = "date"


class OperationForm(forms.Form):
    code_name = forms.CharField(label=_("Code name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_on = forms.DateField(label=_("First day"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DateInput)

    def clean_code_name(self) -> str:
        code_name = self.cleaned_data["code_name"].strip()
        if Operation.objects.filter(code_name__iexact=code_name).exists():
            raise forms.ValidationError(_("An operation with this code name already exists."))
        return code_name

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return cleaned


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.country.name} - {obj.name}"


class ParticipationForm(forms.Form):
    agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    all_rooms = forms.BooleanField(
        label=_("Also make it a member of every room"), required=False, initial=True
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies


class NewAgencyForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("name"), to_field_name="code"
    )
    name = forms.CharField(label=_("Agency name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)
    all_rooms = forms.BooleanField(
        label=_("Also make it a member of every room"), required=False, initial=True
    )


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.country_id} - {obj.name}"


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room name"), max_length=200)
    description = forms.CharField(label=_("What the room is for"), required=False, max_length=2000)
    agencies = AgencyMultipleChoiceField(
        label=_("Member agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agencies"].queryset = agencies


class MembershipForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    member = forms.TypedChoiceField(
        choices=[("1", _("add")), ("0", _("remove"))], coerce=lambda v: v == "1"
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Move to phase"), choices=Phase.choices)

    def __init__(self, *args, operation: Operation, **kwargs):
        super().__init__(*args, **kwargs)
        later = PHASE_ORDER[PHASE_ORDER.index(operation.phase) + 1 :]
        self.fields["phase"].choices = [(p.value, capfirst(p.label)) for p in later]


# ------------------------------------------------------------------ analysts' pages

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


class AgencyMappingForm(forms.Form):
    """One unknown agency of an import: which existing agency of its country it is,
    or a new agency of that name and a chosen kind."""

    country = forms.CharField(widget=forms.HiddenInput, max_length=2)
    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    target = forms.ChoiceField(label=_("Is"))

    def __init__(self, *args, unknown: dict, agencies=(), **kwargs):
        kwargs.setdefault("initial", {"country": unknown["country"], "name": unknown["name"]})
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        name = unknown["name"]
        self.fields["target"].label = (
            ngettext(
                "%(name)s (%(country)s, %(rows)s row) is",
                "%(name)s (%(country)s, %(rows)s rows) is",
                unknown["rows"],
            )
            % unknown
        )
        self.fields["target"].choices = [
            ("", _("choose...")),
            (
                _("An existing agency of that country (remembered as its other name)"),
                [(f"agency:{a.pk}", f"{a.name} ({a.get_kind_display()})") for a in agencies],
            ),
            (
                _("A new agency named %(name)s") % {"name": name},
                [(f"kind:{value}", label) for value, label in AgencyKind.choices],
            ),
        ]

    def mapping(self) -> dict:
        """The mapping as the service takes it."""
        what, _sep, value = self.cleaned_data["target"].partition(":")
        item = {"country": self.cleaned_data["country"], "name": self.cleaned_data["name"]}
        item["agency" if what == "agency" else "kind"] = int(value) if what == "agency" else value
        return item


class AlertFilterForm(forms.Form):
    """The alert inbox's filters and page, from the query string (GET, no JavaScript needed)."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Any")),
            (AlertState.NEW, _("New")),
            (AlertState.ACKNOWLEDGED, _("Acknowledged")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Match"),
        required=False,
        choices=[
            ("", _("Any")),
            (MatchKind.EXACT, _("Exact")),
            (MatchKind.FUZZY, _("Similar names")),
        ],
    )
    room = forms.TypedChoiceField(label=_("Room"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, rooms: list[tuple[int, str]], countries: list[tuple[str, str]]):
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["room"]).choices = [("", _("Any")), *rooms]
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("Any")), *countries]

    def filters(self) -> dict:
        """The valid filters only (a bad one is shown as an error and not applied)."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "state": cleaned.get("state") or None,
            "kind": cleaned.get("kind") or None,
            "room_id": cleaned.get("room"),
            "country": cleaned.get("country") or None,
        }
