"""The Local Offer: services and the organisations that provide them, shaped after Open Referral UK 3.0.

Every exported record has a UUID `public_id` (the ORUK `id`); integer primary keys stay internal.
Field names follow ORUK/HSDS 3.0 where one exists, so the API serialisers map one to one. Taxonomy
terms (needs, categories, delivery, accessibility) attach to services through `Attribute`, as in ORUK.

Besides the published records this module holds what keeps them fresh and findable: the postcode
and place tables, the denormalised search index (`SearchEntry`), provider edit proposals, public
problem reports and review reminders.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from directory.freshness import review_cutoff


def _uuid_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


class Taxonomy(models.Model):
    """A controlled vocabulary, for example SEND needs or service categories."""

    class Vocabulary(models.TextChoices):
        NEEDS = "send-needs", "SEND needs"
        CATEGORIES = "service-categories", "Service categories"
        DELIVERY = "delivery", "How the service is delivered"
        ACCESSIBILITY = "accessibility", "Accessibility"
        REFERRAL = "referral", "How to access the service"
        OTHER = "other", "Other"

    public_id = _uuid_field()
    vocabulary = models.CharField(max_length=40, choices=Vocabulary.choices, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    public_id = _uuid_field()
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.SlugField(max_length=60, help_text="Stable short name used in URLs, e.g. 'autism'")
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    term_uri = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taxonomy", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="term_code_unique")]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """An organisation that provides services (ORUK `organization`).

    `account` links the public record to the accounts organisation whose provider editors may
    propose changes to its services.
    """

    public_id = _uuid_field()
    name = models.CharField(max_length=255)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, max_length=500)
    logo = models.URLField(blank=True, max_length=500)
    uri = models.URLField(blank=True, max_length=500)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    account = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_providers",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # The ORUK API lists organisations by name, then id: a page is a short index scan.
        indexes = [models.Index(fields=["name", "id"], name="directory_provider_name_id")]

    def __str__(self) -> str:
        return self.name


class ProviderIdentifier(models.Model):
    """ORUK `organization_identifier`: a charity number, company number, Ofsted URN..."""

    public_id = _uuid_field()
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="identifiers")
    identifier_scheme = models.CharField(max_length=40, blank=True, help_text="e.g. GB-CHC, GB-COH, GB-URN")
    identifier_type = models.CharField(max_length=100)
    identifier = models.CharField(max_length=100)


class ServiceHistoryExtras(models.Model):
    """Extra columns on each historical row of a service (django-simple-history `bases`).

    A service's needs, categories, opening times, phones, cost options and areas live in related
    rows that simple-history does not track; the service functions store their values here with
    each change, so the history page can show what changed in them too.
    """

    related_values = models.JSONField(
        default=dict,
        blank=True,
        help_text="Values of related records (needs, opening times...) at this change",
    )

    class Meta:
        abstract = True


class ServiceQuerySet(models.QuerySet["Service"]):
    def published(self) -> ServiceQuerySet:
        """Services on the public pages and kept fresh by reminders: active or temporarily closed."""
        return self.filter(status__in=Service.PUBLISHED_STATUSES)

    def due_for_review(self, today: dt.date | None = None) -> ServiceQuerySet:
        """Last reviewed before the cutoff (directory.freshness), or never."""
        return self.filter(
            models.Q(last_reviewed__lt=review_cutoff(today)) | models.Q(last_reviewed__isnull=True)
        )


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Closed permanently"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    # Published: shown to the public (search, A to Z, service pages, the shortlist) and reminded for review.
    PUBLISHED_STATUSES: tuple[str, ...] = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)

    class Referral(models.TextChoices):
        SELF = "self", "You can contact the service yourself"
        PROFESSIONAL = "professional", "A professional must refer you"
        EITHER = "either", "Contact the service yourself or ask a professional to refer you"

    public_id = _uuid_field()
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(help_text="What the service offers")
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Who it is for. Ages in whole years; None means no limit on that side.
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    eligibility_description = models.TextField(blank=True, help_text="Who the service is for")
    # How to get it.
    referral = models.CharField(max_length=20, choices=Referral.choices, default=Referral.EITHER)
    application_process = models.TextField(blank=True, help_text="How to access the service or be referred")
    wait_time = models.CharField(max_length=255, blank=True)
    fees_description = models.TextField(blank=True)
    is_free = models.BooleanField(default=True, help_text="Free at the point of use")
    accreditations = models.TextField(blank=True)
    alert = models.TextField(blank=True, help_text="A short notice shown at the top of the service page")
    interpretation_services = models.TextField(blank=True)
    # The Local Offer(s) that list this service: local authorities (accounts.Organisation, kind la).
    areas = models.ManyToManyField("accounts.Organisation", blank=True, related_name="local_offer_services")
    # Freshness: ORUK assured_date is the date the record was last reviewed.
    last_reviewed = models.DateField(null=True, blank=True, db_index=True)
    reviewed_by_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped on each change")
    history = HistoricalRecords(excluded_fields=["version"], bases=[ServiceHistoryExtras])

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    public_id = _uuid_field()
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=50, blank=True)
    external_identifier_type = models.CharField(max_length=20, blank=True, help_text="e.g. UPRN")
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name or f"Location {self.public_id}"


class Address(models.Model):
    public_id = _uuid_field()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100, help_text="County")
    postal_code = models.CharField(max_length=10)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(
        max_length=10, choices=Location.LocationType.choices, default=Location.LocationType.PHYSICAL
    )

    class Meta:
        verbose_name_plural = "addresses"


class Accessibility(models.Model):
    """Accessibility of a location: step-free access, hearing loop, changing places toilet..."""

    public_id = _uuid_field()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.CharField(max_length=255)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        verbose_name_plural = "accessibility"


class ServiceAtLocation(models.Model):
    public_id = _uuid_field()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_location_unique")
        ]


class Contact(models.Model):
    public_id = _uuid_field()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)


class Phone(models.Model):
    public_id = _uuid_field()
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=30)
    extension = models.CharField(max_length=10, blank=True)
    type = models.CharField(max_length=20, blank=True, help_text="voice, text, textphone, ...")
    description = models.CharField(max_length=255, blank=True)


class Schedule(models.Model):
    """Opening times in RFC 5545 RRULE style: weekly on `byday` from `opens_at` to `closes_at`."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", "Weekly"
        MONTHLY = "MONTHLY", "Monthly"

    class AttendingType(models.TextChoices):
        IN_PERSON = "in person", "In person"
        ONLINE = "online", "Online"
        PHONE = "phone", "By phone"

    public_id = _uuid_field()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    freq = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=30, blank=True, help_text="e.g. MO,TU,WE")
    bymonthday = models.CharField(max_length=30, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    attending_type = models.CharField(max_length=20, choices=AttendingType.choices, blank=True)
    notes = models.TextField(blank=True)


class CostOption(models.Model):
    public_id = _uuid_field()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=255, blank=True, help_text="e.g. per session")
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount_description = models.CharField(max_length=255, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)


class ServiceArea(models.Model):
    public_id = _uuid_field()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.URLField(blank=True, max_length=500)
    la_code = models.CharField(max_length=10, blank=True, help_text="ONS local authority code covered")


class Language(models.Model):
    public_id = _uuid_field()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=10, blank=True, help_text="ISO 639 code")
    note = models.CharField(max_length=255, blank=True)


class Funding(models.Model):
    public_id = _uuid_field()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(max_length=255)


class Attribute(models.Model):
    """Links a taxonomy term to a service, location or provider (ORUK `attribute`)."""

    class LinkType(models.TextChoices):
        SERVICE = "service", "Service"
        LOCATION = "location", "Location"
        ORGANIZATION = "organization", "Organisation"

    public_id = _uuid_field()
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes")
    link_type = models.CharField(max_length=20, choices=LinkType.choices, default=LinkType.SERVICE)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="attributes"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="attributes"
    )
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="attributes"
    )
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["taxonomy_term", "service"])]


# --- Places and postcodes ---------------------------------------------------------------------


class Postcode(models.Model):
    """A postcode centroid, imported from the ONS Postcode Directory (`manage.py import_onspd`)."""

    postcode = models.CharField(max_length=8, help_text="Display form, e.g. 'NS1 2AB'")
    key = models.CharField(max_length=7, unique=True, help_text="Upper case without spaces, e.g. 'NS12AB'")
    latitude = models.FloatField()
    longitude = models.FloatField()
    la_code = models.CharField(max_length=9, blank=True, help_text="ONS local authority district code")
    county_code = models.CharField(
        max_length=9,
        blank=True,
        help_text="ONS county code in a two-tier area (the county council is the LA for SEN); blank elsewhere",
    )
    terminated = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.postcode


class Place(models.Model):
    """A town or village people may type instead of a postcode."""

    name = models.CharField(max_length=100)
    key = models.CharField(max_length=100, db_index=True, help_text="Lower-case name for matching")
    latitude = models.FloatField()
    longitude = models.FloatField()
    county = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


# --- Search ----------------------------------------------------------------------------------


class SearchEntry(models.Model):
    """One row per published service: everything the public search filters and sorts on.

    Maintained by `directory.search.reindex_services()`, which every service function that changes a
    service calls. Engine-specific full-text search (PostgreSQL tsvector, SQLite FTS5) hangs off
    `document`; see directory/search/.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    name_sort = models.CharField(max_length=255, db_index=True)
    first_letter = models.CharField(max_length=1, db_index=True)
    document = models.TextField(help_text="Name, description, provider, needs and categories as plain text")
    minimum_age = models.PositiveSmallIntegerField(default=0)
    maximum_age = models.PositiveSmallIntegerField(default=99)
    is_free = models.BooleanField(default=True)
    in_person = models.BooleanField(default=False)
    online = models.BooleanField(default=False)
    by_phone = models.BooleanField(default=False)
    days_mask = models.PositiveSmallIntegerField(default=0, help_text="Bit 0 = Monday ... bit 6 = Sunday")
    needs_mask = models.BigIntegerField(
        default=0, help_text="Bits by TaxonomyTerm.position in the needs taxonomy"
    )
    categories_mask = models.BigIntegerField(
        default=0, help_text="Bits by term position in the categories taxonomy"
    )
    status = models.CharField(
        max_length=20, default="active", db_index=True, help_text="The service's status, for filtering"
    )
    updated_at = models.DateTimeField(default=timezone.now)


class SearchTerm(models.Model):
    """A word that appears in the published services, for "did you mean" spelling suggestions and for
    finding the other forms of a searched word (its `family`: "autistic" and "autism" share one)."""

    word = models.CharField(max_length=40, unique=True)
    length = models.PositiveSmallIntegerField()
    frequency = models.PositiveIntegerField(default=1, help_text="How many services use the word")
    family = models.CharField(
        max_length=40, default="", db_index=True, help_text="directory.search.words.word_family(word)"
    )


class Synonym(models.Model):
    """Words and phrases that mean the same to someone searching the Local Offer: abbreviations
    (ASD, SALT), everyday names (physio, bedwetting) and formal ones (autism spectrum condition,
    enuresis). A search for any of them finds services described with any other. Kept by Local Offer
    editors (directory/views_search_words.py); the defaults are directory/search/synonyms.py's."""

    public_id = _uuid_field()
    words = models.TextField(help_text="The words and phrases, separated by commas")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped on each change")
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["words"]

    def __str__(self) -> str:
        return self.words

    @property
    def phrases(self) -> list[str]:
        return [p.strip() for p in self.words.split(",") if p.strip()]


class ZeroResultSearch(models.Model):
    """Words people searched for that found no service at all, with how often: only the words (stop
    words, postcodes, e-mail addresses, phone and other long numbers taken out), never who or where."""

    words = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=1)
    first_tried = models.DateTimeField(default=timezone.now)
    last_tried = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.words


class SearchLocation(models.Model):
    """Each published service's physical locations, for distance search (bounding box then haversine)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_locations")
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]


# --- Keeping records fresh ------------------------------------------------------------------


class ChangeProposal(models.Model):
    """A provider editor's proposed change to a service (or a new service), for an editor to decide."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = _uuid_field()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    data = models.JSONField(help_text="The proposed values, field by field")
    base_data = models.JSONField(
        default=dict, help_text="The values when the proposal was made, for the diff"
    )
    base_version = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True, help_text="What the provider says about the change")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    class Meta:
        ordering = ["-created_at"]


class ProblemReport(models.Model):
    """A member of the public's "report a problem with this page" about a service."""

    class Topic(models.TextChoices):
        OUT_OF_DATE = "out_of_date", "Something is out of date or wrong"
        EXTRA_INFORMATION = "extra_information", "There is information to add"
        CLOSED = "closed", "The service has closed"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "No action needed"

    public_id = _uuid_field()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problem_reports")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    details = models.TextField()
    reporter_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: bumped by every change")

    class Meta:
        ordering = ["-created_at"]


class ReviewReminder(models.Model):
    """A reminder to a provider that a service record is due (or past due) for review.

    One row per service, kind and review cycle (the last_reviewed date it refers to), so each
    reminder is sent exactly once: the worker claims rows with a conditional update on sent_at.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Review due soon"
        OVERDUE = "overdue", "Review overdue"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="review_reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    cycle = models.DateField(help_text="The last_reviewed date this reminder is about")
    due_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True, help_text="Comma-separated e-mail addresses it went to")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "cycle"], name="review_reminder_once_per_cycle"
            )
        ]
