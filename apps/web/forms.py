"""Forms of the coordinator's set-up pages: they parse and check, services write."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency, AgencyKind, Country
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
