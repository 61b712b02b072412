"""Forms for the public directory: the search (GET, every state in the URL) and "report a problem"."""

from __future__ import annotations

from typing import Any

from django import forms

from core import forms as core_forms
from directory.models import ProblemReport
from directory.search import DELIVERY
from lib.weekdays import DAY_NAMES

DISTANCE_CHOICES = [
    ("1", "Within 1 mile"),
    ("3", "Within 3 miles"),
    ("5", "Within 5 miles"),
    ("10", "Within 10 miles"),
    ("25", "Within 25 miles"),
    ("50", "Within 50 miles"),
]
DEFAULT_DISTANCE = "10"
SORT_CHOICES = [("relevance", "Best match"), ("distance", "Distance"), ("name", "Name (A to Z)")]
COST_CHOICES = [("any", "Free or paid"), ("free", "Free"), ("paid", "Paid for")]
MAX_AGE = 25


class SearchForm(core_forms.Form):
    """Keywords, a place, and the filters. Unknown or bad values are dropped, never an error page:
    a shared link with a stale filter still shows results."""

    error_names = {"q": "what you are looking for"}

    q = forms.CharField(
        label="What are you looking for?",
        help_text="For example, speech therapy, autism or short breaks",
        required=False,
        max_length=200,
    )
    location = forms.CharField(
        label="Postcode or place",
        help_text="A postcode, the first half of one, or a town or village",  # the view gives examples
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    distance = forms.ChoiceField(
        label="Distance", choices=DISTANCE_CHOICES, required=False, initial=DEFAULT_DISTANCE
    )
    age = forms.IntegerField(
        label="Age of the child or young person",
        help_text="In years, from 0 to 25",
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the age in whole years, like 4",
            "min_value": "Enter an age from 0 to 25",
            "max_value": "Enter an age from 0 to 25",
        },
    )
    need = forms.MultipleChoiceField(
        label="Needs", required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    category = forms.MultipleChoiceField(
        label="Type of service", required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    cost = forms.ChoiceField(label="Cost", required=False, widget=forms.RadioSelect, choices=COST_CHOICES)
    delivery = forms.MultipleChoiceField(
        label="How it is delivered",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(value, label) for value, (_, label) in DELIVERY.items()],
    )
    day = forms.MultipleChoiceField(
        label="Open on",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(DAY_NAMES.items()),
    )
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(
        self,
        *args: Any,
        needs: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        location_hint: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if location_hint:  # examples the data holds (directory.search.places.location_examples)
            self.fields["location"].help_text = location_hint
        self.choice_field("need").choices = needs
        self.choice_field("category").choices = categories

    def choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def cleaned_or_default(self) -> dict[str, Any]:
        """The valid values; a field with a bad value counts as not given (and says so in errors)."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        for name in self.errors:
            data[name] = self.fields[name].initial if name in self.fields else None
        for name in ("need", "category", "delivery", "day"):
            if not data.get(name):
                # Keep the values that are valid even if one in the list is not.
                valid = {str(value) for value, _ in self.choice_field(name).choices}  # type: ignore[misc,union-attr]
                given = self.data.getlist(name) if hasattr(self.data, "getlist") else []
                data[name] = [v for v in given if v in valid]
        return data


class ProblemReportForm(core_forms.Form):
    topic = forms.ChoiceField(
        label="What is the problem?",
        widget=forms.RadioSelect,
        choices=ProblemReport.Topic.choices,
        error_messages={"required": "Select what the problem is"},
    )
    details = forms.CharField(
        label="Tell us more",
        help_text="For example, the new phone number or the date the service closed. "
        "Do not include personal information about a child.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter details of the problem",
            "max_length": "Details must be 2,000 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        help_text="If you would like us to tell you when we have dealt with your report. We use it only "
        "for that, and delete it once we have told you.",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
