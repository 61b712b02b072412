"""A deterministic synthetic Local Offer for two example areas, for the demo and for benchmarks.

Northshire (a shire county, ONS code E10000099) and Eastbury (a London-style borough, E09000099):
fictional towns, streets and postcodes (districts NS1-NS9 and EB1-EB6) whose coordinates lie inside
two boxes in England that do not overlap; providers across health, education, social care,
leisure and the voluntary sector; services with opening times, ages, costs, needs, categories,
delivery, contacts, accessibility, languages and review dates (about 15% past 12 months, so the
freshness tools have work to do). Everything comes from one seeded random generator: the same seed
gives the same data, UUIDs included.

No real people: contacts are team names, e-mail addresses are @example.org, web addresses are under
https://example.org/, and phone numbers come from Ofcom's drama ranges (01632 960xxx, 020 7946 0xxx,
07700 900xxx).

`load()` is what `manage.py load_demo_data` calls; `generate(size, seed)` is the same generator at
any size (benchmarks use 300,000 services). It writes in batches (core.bulk.insert_rows), so memory stays
flat; it writes no history rows.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation
from core.bulk import insert_rows
from directory import taxonomies
from directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Phone,
    Place,
    Postcode,
    Provider,
    ReviewReminder,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from directory.search import reindex_services
from directory.tasks import create_review_reminders
from lib.weekdays import DAY_NAMES, WEEKDAYS

DEFAULT_SERVICES = 480
SERVICES_PER_PROVIDER = 3.3  # 480 services -> 145 providers
STALE_SHARE = 0.15  # share of services last reviewed more than 12 months ago
TEMPORARILY_CLOSED_SHARE = 0.02
UNIQUE_NAMES_UP_TO = 50_000  # above this (benchmarks) names may repeat, so memory stays flat

# --- The two areas ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    name: str
    district: str  # postcode district, e.g. "NS1"
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Area:
    key: str
    la_code: str
    la_name: str
    name: str
    county: str  # Address.state_province
    phone_prefix: str  # followed by three digits
    box: tuple[float, float, float, float]  # south, north, west, east
    towns: tuple[Town, ...]
    villages: tuple[str, ...]

    def contains(self, latitude: float, longitude: float) -> bool:
        south, north, west, east = self.box
        return south <= latitude <= north and west <= longitude <= east


NORTHSHIRE = Area(
    key="northshire",
    la_code="E10000099",
    la_name="Northshire County Council",
    name="Northshire",
    county="Northshire",
    phone_prefix="01632 960",
    box=(52.45, 52.85, -1.55, -0.95),
    towns=(
        Town("Northtown", "NS1", 52.655, -1.230),
        Town("Northtown", "NS2", 52.690, -1.205),
        Town("Elmbury", "NS3", 52.760, -1.420),
        Town("Fenmoor", "NS4", 52.790, -1.060),
        Town("Brackenford", "NS5", 52.560, -1.450),
        Town("Ashcombe Vale", "NS6", 52.510, -1.110),
        Town("Kestrel Bridge", "NS7", 52.600, -1.000),
        Town("Thornby Wold", "NS8", 52.500, -1.300),
        Town("Oakhurst Magna", "NS9", 52.720, -1.250),
    ),
    villages=(
        "Little Stanmere",
        "Hollowell",
        "Brindley Green",
        "Wrenfold",
        "Coldharbour Cross",
        "Nether Ashby",
        "Marshcote",
        "Sallowfield",
        "Upper Dunsby",
        "Kingsley Moor",
        "Fallowbrook",
        "Harrowden End",
    ),
)

EASTBURY = Area(
    key="eastbury",
    la_code="E09000099",
    la_name="Eastbury Borough Council",
    name="Eastbury",
    county="Greater London",
    phone_prefix="020 7946 0",
    box=(51.50, 51.60, -0.05, 0.10),
    towns=(
        Town("Eastbury", "EB1", 51.552, 0.020),
        Town("Eastbury Riverside", "EB2", 51.515, 0.005),
        Town("Millfield", "EB3", 51.585, 0.010),
        Town("Hatchgate", "EB4", 51.560, 0.075),
        Town("Bowmead", "EB5", 51.532, -0.030),
        Town("Larkhill Common", "EB6", 51.575, -0.028),
    ),
    villages=("Eastbury Old Town", "Cressing Park", "Ropemakers Quay", "Bowmead Green", "Sorrel Hill"),
)

AREAS = (NORTHSHIRE, EASTBURY)
POSTCODES_PER_DISTRICT = 44
# Postcodes the demo always holds (at their town's centre), whatever the seed: other apps' demo data
# gives them as where children live (section23.demo.POSTCODES), and they give the area's LA.
RESIDENT_POSTCODES = {NORTHSHIRE.key: ("NS1 4AB", "NS2 7QT"), EASTBURY.key: ("EB3 1XY", "EB4 9LD")}

# accounts organisations that provider records link to, so their provider editors can edit them.
TRUST = ("RX9", Organisation.Kind.PROVIDER_TRUST, "Northshire Community Health NHS Trust")
# Same codes as accounts/demo.py uses, so the demo's provider editors can edit these providers' services.
VOLUNTARY = ("VOL-DEMO", Organisation.Kind.VOLUNTARY, "Northshire Parent Carer Forum")
SCHOOL = ("URN-999001", Organisation.Kind.SCHOOL, "Brookfield Primary School")

# --- Words ----------------------------------------------------------------------------------------

STREET_STEMS = (
    "Station", "Church", "Mill", "Meadow", "Park", "Victoria", "Queens", "Kings", "High", "Bridge",
    "School", "Chapel", "Orchard", "Willow", "Elm", "Ash", "Beech", "Oak", "Manor", "Market", "Priory",
    "Abbey", "Wharf", "Canal", "Brook", "Green", "Hill", "Vale", "Field", "Common", "Hawthorn", "Linden",
    "Rowan", "Foundry", "Ropewalk", "Tannery", "Sandpit", "Windmill", "Heron", "Kingfisher",
)  # fmt: skip
STREET_SUFFIXES = ("Road", "Street", "Lane", "Way", "Close", "Avenue", "Drive", "Gardens", "Row", "Place")
NAME_STEMS = (
    "Willowbank", "Oakfield", "Meadowview", "Brookside", "Heathlands", "Riverside", "Hillcrest",
    "Beechwood", "Ashgrove", "Larchfield", "Foxhollow", "Kingfisher", "Rosewood", "Elmstead",
    "Hawthorn", "Sunnybank", "Fernhill", "Orchard", "Lakeside", "Maplewood",
)  # fmt: skip
ANIMALS = ("Acorn", "Owl", "Otter", "Robin", "Squirrel", "Hedgehog", "Fox", "Badger", "Wren", "Kite")
SAINTS = ("Aldhelm", "Chad", "Cuthbert", "Hilda", "Bede", "Wilfrid", "Oswald", "Edmund", "Botolph")
LANGUAGES = (
    ("Polish", "pl"), ("Urdu", "ur"), ("Bengali", "bn"), ("Romanian", "ro"), ("Punjabi", "pa"),
    ("Somali", "so"), ("Arabic", "ar"), ("Gujarati", "gu"), ("British Sign Language", "bfi"),
    ("Portuguese", "pt"), ("Lithuanian", "lt"), ("Tamil", "ta"),
)  # fmt: skip
EXTRA_SENTENCES = (
    "Brothers and sisters are welcome.",
    "Our staff have training in autism awareness and Makaton.",
    "We can make reasonable adjustments; tell us what helps your child.",
    "Parents and carers can stay for the session.",
    "We work closely with schools, health visitors and the local authority SEND team.",
    "You do not need a diagnosis to use this service.",
    "There is a quiet space for anyone who needs a break.",
    "We offer visual timetables and social stories before a first visit.",
    "Sessions are small, so children get plenty of one-to-one attention.",
    "Information is available in easy read on request.",
    "We can arrange an interpreter, including British Sign Language.",
    "Young people can come with a support worker or personal assistant.",
    "Free parking is available on site.",
    "The venue is on a bus route and close to the railway station.",
)
CONTACT_TITLES = (
    "Referrals team", "Duty desk", "Group coordinator", "Bookings team", "Admissions office",
    "Reception", "Family support team", "Service manager", "SEN coordinator (SENCo)", "Volunteer lead",
)  # fmt: skip

# --- Opening times ----------------------------------------------------------------------------


def _t(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _schedules(kind: str, rng: random.Random, modes: tuple[str, ...]) -> list[dict[str, Any]]:
    """Opening times for a kind of service, as Schedule field values."""
    attending = Schedule.AttendingType
    in_person = attending.IN_PERSON if "in-person" in modes else ""
    day = rng.choice(WEEKDAYS)
    if kind == "office":
        rows = [dict(byday="MO,TU,WE,TH,FR", opens_at="09:00", closes_at="17:00", attending_type=in_person)]
        if "phone" in modes:
            rows.append(dict(byday="MO,TU,WE,TH,FR", opens_at="09:30", closes_at="16:30",
                             attending_type=attending.PHONE, description="Phone line"))  # fmt: skip
        return rows
    if kind == "phone":
        close = rng.choice(("16:00", "16:30", "17:00"))
        return [
            dict(byday="MO,TU,WE,TH,FR", opens_at="09:30", closes_at=close, attending_type=attending.PHONE)
        ]
    if kind == "school":
        return [dict(byday="MO,TU,WE,TH,FR", opens_at="08:45", closes_at="15:15", attending_type=in_person,
                     description="Term time only")]  # fmt: skip
    if kind == "nursery":
        return [dict(byday="MO,TU,WE,TH,FR", opens_at="07:45", closes_at="18:00", attending_type=in_person,
                     description="All year except bank holidays")]  # fmt: skip
    if kind == "clinic":
        days = sorted(rng.sample(WEEKDAYS, 2), key=WEEKDAYS.index)
        return [dict(byday=",".join(days), opens_at="09:00", closes_at="16:30", attending_type=in_person,
                     description="Appointments only")]  # fmt: skip
    if kind == "dropin":
        start = rng.choice(("09:30", "10:00", "13:30"))
        end = {"09:30": "11:30", "10:00": "12:00", "13:30": "15:30"}[start]
        return [dict(byday=day, opens_at=start, closes_at=end, attending_type=in_person,
                     description="Drop in: no appointment needed")]  # fmt: skip
    if kind == "group":
        start = rng.choice(("10:00", "10:30", "13:00", "18:00", "18:30"))
        end = (dt.datetime.combine(dt.date(2000, 1, 1), _t(start)) + dt.timedelta(minutes=90)).strftime(
            "%H:%M"
        )
        row: dict[str, Any] = dict(
            byday=day, opens_at=start, closes_at=end, attending_type=in_person or attending.ONLINE
        )
        if rng.random() < 0.3:
            row.update(interval=2, description=f"Every other {DAY_NAMES[day]}")
        rows = [row]
        if "online" in modes and in_person:
            other = rng.choice([d for d in WEEKDAYS if d != day])
            rows.append(dict(byday=other, opens_at="19:30", closes_at="20:30", attending_type=attending.ONLINE,
                             description="Online meet-up"))  # fmt: skip
        return rows
    if kind == "online":
        return [dict(byday=day, opens_at="19:00", closes_at="20:30", attending_type=attending.ONLINE)]
    if kind == "saturday":
        start = rng.choice(("09:00", "10:00", "11:00"))
        end = {"09:00": "11:00", "10:00": "12:00", "11:00": "13:00"}[start]
        return [dict(byday="SA", opens_at=start, closes_at=end, attending_type=in_person)]
    if kind == "weekend":
        return [dict(byday="SA,SU", opens_at="10:00", closes_at="16:00", attending_type=in_person)]
    if kind == "afterschool":
        days = sorted(rng.sample(WEEKDAYS, 2), key=WEEKDAYS.index)
        return [dict(byday=",".join(days), opens_at="15:30", closes_at="17:30", attending_type=in_person,
                     description="Term time only")]  # fmt: skip
    if kind == "holiday":
        return [dict(byday="MO,TU,WE,TH,FR", opens_at="09:30", closes_at="15:00", attending_type=in_person,
                     description="School holidays only")]  # fmt: skip
    if kind == "evening":
        return [dict(byday=day, opens_at="18:00", closes_at="20:00", attending_type=in_person)]
    return []


# --- Service and provider templates ------------------------------------------------------------


@dataclass(frozen=True)
class ServiceTemplate:
    name: str  # may use {town}, {area}, {provider}, {village}
    categories: tuple[str, ...]
    about: str
    needs: tuple[str, ...] = ()
    ages: tuple[int | None, int | None] = (0, 25)
    schedule: str = "office"
    modes: tuple[str, ...] = ("in-person",)
    referral: str = "either"
    paid: float = 0.0  # chance that it costs money
    price: tuple[float, float, str] = (3.0, 12.0, "Per session")
    extra_needs: int = 1  # how many plausible needs to add at random
    eligibility: str = ""
    referral_terms: tuple[str, ...] = ()
    wait_time: str = ""


T = ServiceTemplate
ANY_NEED = (
    "autism", "adhd", "speech-language-communication", "social-emotional-mental-health", "learning-disability",
    "physical-disability", "hearing", "vision", "down-syndrome", "medical-conditions",
    "specific-learning-difficulty", "developmental-delay",
)  # fmt: skip

COUNCIL = (
    T("{area} Short Breaks Service", ("short-breaks",),
      "Short breaks give disabled children and young people time to enjoy activities with friends, and give "
      "parent carers a break from caring. Our short breaks include after-school and Saturday clubs, holiday "
      "schemes and overnight breaks.", ANY_NEED[:6], (0, 18), "office", ("in-person", "phone"), "self", 0, extra_needs=2,
      referral_terms=("self-referral", "no-diagnosis-needed")),
    T("{area} SEND Team: Education, Health and Care Needs Assessments", ("ehc-assessment",),
      "How special educational needs are identified and assessed, and how parents, young people and schools can "
      "ask for an education, health and care (EHC) needs assessment. We explain each step and the 20-week timescale.",
      ANY_NEED[:5], (0, 25), "office", ("in-person", "phone", "online"), "either", extra_needs=3,
      wait_time="A decision on whether to assess within 6 weeks"),
    T("{area} Educational Psychology Service", ("sen-support", "education"),
      "Educational psychologists work with schools, settings and families to understand a child's learning and "
      "development and to plan support.", ("learning-disability", "social-emotional-mental-health"), (0, 25),
      "office", ("in-person",), "professional", referral_terms=("professional-referral",)),
    T("{area} Home to School Travel Assistance", ("travel",),
      "Help with travel to school, college or an early years setting for eligible children and young people with "
      "SEND, including transport, travel passes, mileage payments and independent travel training. How to apply "
      "and the deadlines.", ("physical-disability", "learning-disability"), (4, 25), "phone", ("phone", "online"),
      "self", extra_needs=2),
    T("{area} Disabled Children's Team", ("disabled-children-team", "social-care"),
      "Social workers who assess the needs of disabled children and their families and arrange support such as "
      "short breaks, direct payments and personal assistants.", ("physical-disability", "profound-multiple-learning-disabilities",
      "complex-health-needs"), (0, 18), "office", ("in-person", "phone"), "either", referral_terms=("social-care-assessment",)),
    T("{area} Sensory Support Service (hearing and vision)", ("hearing-and-vision-services", "sen-support"),
      "Specialist teachers of deaf children and of children with vision impairment visit homes, nurseries, "
      "schools and colleges to give advice and teaching.", ("hearing", "vision", "multi-sensory-impairment"), (0, 25),
      "office", ("in-person",), "professional", extra_needs=0),
    T("{area} Preparing for Adulthood Team", ("preparing-for-adulthood", "transition-adult-services"),
      "Helps young people with SEND from age 14 plan for adult life: further learning, work, housing, friends and "
      "good health, and the move to adult social care.", ("learning-disability", "autism"), (14, 25), "office",
      ("in-person", "phone"), "either", extra_needs=2),
    T("{town} Family Hub", ("family-support", "early-years"),
      "Your local family hub brings together help for families with children from birth to 19 (or 25 with SEND): "
      "stay and play, parenting support, health visitor clinics and advice.", ("developmental-delay",), (0, 19),
      "office", ("in-person",), "self", extra_needs=2, referral_terms=("self-referral",)),
    T("{area} Early Years SEND Inclusion Team", ("early-years", "sen-support"),
      "Advice, training and visits for nurseries, pre-schools and childminders caring for children with SEND, and "
      "inclusion funding.", ("developmental-delay", "speech-language-communication"), (0, 5), "office", ("in-person",),
      "professional"),
    T("{area} SEND Mediation and Disagreement Resolution", ("complaints-disagreements",),
      "Independent mediation and disagreement resolution about EHC needs assessments and plans, and how to appeal to "
      "the First-tier Tribunal (SEND) or make a complaint.", (), (0, 25), "phone", ("phone", "online"), "self",
      extra_needs=0),
    T("{area} Young Carers Service", ("young-carers",),
      "Support, clubs and days out for children and young people who help look after a disabled brother, sister "
      "or parent.", (), (5, 18), "afterschool", ("in-person",), "either", extra_needs=0),
    T("{area} Autism Outreach Team", ("sen-support", "education"),
      "Specialist teachers who help schools understand and support autistic pupils.", ("autism",), (4, 16), "office",
      ("in-person",), "professional", extra_needs=0),
    T("{area} Supported Internships Programme", ("employment", "post-16-training"),
      "A year-long study programme in a real workplace for young people aged 16 to 24 with an EHC plan, with a job "
      "coach.", ("learning-disability", "autism"), (16, 24), "office", ("in-person",), "either",
      referral_terms=("ehc-plan-needed",)),
)  # fmt: skip

NHS_COMMUNITY = (
    T("{town} Speech and Language Therapy Drop-in", ("speech-and-language-therapy",),
      "A drop-in for parents worried about their child's talking, listening or understanding. A speech and language "
      "therapist will listen, give advice and speech therapy activities to try at home, and refer on if needed.",
      ("speech-language-communication", "developmental-delay"), (0, 5), "dropin", ("in-person",), "self",
      referral_terms=("self-referral", "no-diagnosis-needed")),
    T("Children's Speech and Language Therapy ({town})", ("speech-and-language-therapy",),
      "Speech and language therapy for children and young people with speech, language, communication or swallowing "
      "needs, at clinics, at home, in nurseries and schools.", ("speech-language-communication",
      "eating-drinking-swallowing"), (0, 18), "clinic", ("in-person", "online"), "either",
      wait_time="Around 12 weeks from referral to first appointment"),
    T("Children's Occupational Therapy ({town})", ("occupational-therapy",),
      "Occupational therapists help children take part in everyday activities: dressing, eating, handwriting, play "
      "and managing sensory differences.", ("physical-disability", "developmental-delay", "autism"), (0, 18), "clinic",
      ("in-person",), "professional", referral_terms=("professional-referral",), wait_time="Around 16 weeks"),
    T("Children's Physiotherapy at {town}", ("physiotherapy",),
      "Physiotherapy for babies, children and young people with movement difficulties, including cerebral palsy "
      "and developmental delay.", ("physical-disability",), (0, 18), "clinic", ("in-person",), "professional",
      referral_terms=("professional-referral",)),
    T("{area} Child Development Centre (Community Paediatrics)", ("community-paediatrics", "diagnosis-assessment"),
      "Community paediatricians assess children's development and diagnose conditions, working with therapists and "
      "schools.", ("developmental-delay", "autism", "adhd", "learning-disability"), (0, 18), "clinic", ("in-person",),
      "professional", referral_terms=("professional-referral", "gp-referral"), wait_time="Around 18 weeks"),
    T("{area} Autism Assessment Service", ("diagnosis-assessment",),
      "Assessment for autism for children and young people, and support for families before and after diagnosis.",
      ("autism",), (2, 18), "clinic", ("in-person", "online"), "professional", extra_needs=0,
      referral_terms=("professional-referral",), wait_time="Currently around 40 weeks"),
    T("{area} ADHD Assessment and Support Clinic", ("diagnosis-assessment", "community-paediatrics"),
      "Assessment, diagnosis and medication reviews for ADHD, with advice on managing at home and school.",
      ("adhd",), (6, 18), "clinic", ("in-person", "online"), "professional", extra_needs=0,
      referral_terms=("professional-referral",)),
    T("{town} Health Visiting Team", ("health-visiting",),
      "Health visitors support families with babies and children under 5, including development reviews and "
      "advice on feeding, sleep and behaviour.", ("developmental-delay",), (0, 5), "office", ("in-person", "phone"),
      "self", referral_terms=("self-referral",)),
    T("{town} School Nursing Team", ("school-nursing",),
      "School nurses help children and young people stay healthy at school, including healthcare plans for "
      "medical conditions and continence and sleep advice.", ("medical-conditions",), (5, 19), "office",
      ("in-person", "phone"), "either"),
    T("{area} Children's Wheelchair Service", ("equipment-wheelchairs",),
      "Assessment for wheelchairs, buggies and seating for children and young people with long-term mobility "
      "needs; repairs and reviews.", ("physical-disability",), (0, 18), "clinic", ("in-person",), "professional",
      extra_needs=0),
    T("{area} Children's Bladder and Bowel Service", ("health",),
      "Help with continence, toilet training and continence products for children with additional needs.",
      ("toileting-continence",), (4, 19), "clinic", ("in-person", "phone"), "either", extra_needs=1),
    T("{area} Children's Community Nursing Team", ("continuing-care-nursing",),
      "Nursing care at home, at school and in short breaks for children with complex health needs, and "
      "continuing care assessments.", ("complex-health-needs", "medical-conditions"), (0, 18), "office",
      ("in-person",), "professional"),
    T("{area} CAMHS (Child and Adolescent Mental Health Service)", ("mental-health",),
      "Assessment and treatment for children and young people with significant mental health difficulties.",
      ("social-emotional-mental-health",), (0, 18), "office", ("in-person", "online", "phone"), "either",
      wait_time="Urgent referrals seen within a week"),
    T("{area} Learning Disability CAMHS", ("mental-health",),
      "Mental health support for children and young people with a learning disability and their families, "
      "including help with behaviour that challenges.", ("learning-disability", "behaviour-that-challenges"), (4, 18),
      "office", ("in-person",), "professional", extra_needs=0),
    T("Sleep Clinic for Children with SEND ({town})", ("health",),
      "Sleep practitioners help families of children with additional needs who struggle to settle or stay "
      "asleep.", ("sleep", "autism"), (2, 16), "online", ("online",), "self"),
    T("Eating, Drinking and Swallowing Clinic ({town})", ("speech-and-language-therapy",),
      "Assessment and advice for children with difficulties chewing and swallowing safely.",
      ("eating-drinking-swallowing",), (0, 18), "clinic", ("in-person",), "professional", extra_needs=0),
    T("{area} Mental Health Support Teams in Schools", ("mental-health", "schools"),
      "Practitioners in schools who help pupils with mild to moderate anxiety and low mood.",
      ("social-emotional-mental-health",), (5, 18), "school", ("in-person",), "either", extra_needs=0),
)  # fmt: skip

NHS_ACUTE = (
    T("Children's Audiology Clinic at {town}", ("hearing-and-vision-services",),
      "Hearing tests, hearing aids and support for babies, children and young people.", ("hearing",), (0, 18),
      "clinic", ("in-person",), "professional", extra_needs=0, referral_terms=("gp-referral",)),
    T("Children's Eye Clinic (Orthoptics) at {town}", ("hearing-and-vision-services",),
      "Eye tests and treatment, including for children with learning disabilities who find tests hard.",
      ("vision",), (0, 16), "clinic", ("in-person",), "professional", extra_needs=1),
    T("Children's Diabetes Team ({area})", ("health",),
      "Specialist nurses, doctors and dietitians supporting children with diabetes, including care plans for "
      "school.", ("medical-conditions",), (0, 19), "clinic", ("in-person", "phone"), "professional", extra_needs=0),
    T("Children's Epilepsy Nurse Service ({area})", ("health",),
      "Epilepsy nurse specialists give advice to families and schools and training in rescue medication.",
      ("medical-conditions",), (0, 19), "phone", ("phone", "in-person"), "professional", extra_needs=1),
    T("Children's Dietetics ({town})", ("health",),
      "Dietitians advise on feeding, tube feeding and restricted eating, including for autistic children.",
      ("eating-drinking-swallowing", "complex-health-needs"), (0, 18), "clinic", ("in-person", "online"),
      "professional"),
)  # fmt: skip

FORUM = (
    T("{area} Parent Carer Forum Coffee Mornings", ("support-groups",),
      "Meet other parents and carers of children with SEND for a cuppa, a chat and information. The forum works "
      "with the council and NHS to improve services.", ANY_NEED[:4], (0, 25), "group", ("in-person", "online"),
      "self", extra_needs=2, referral_terms=("self-referral", "no-diagnosis-needed")),
    T("{area} Parent Carer Forum Online Meet-up", ("support-groups",),
      "An evening online meet-up for parent carers who can't get to daytime groups.", (), (0, 25), "online",
      ("online",), "self", extra_needs=2),
    T("{area} Parent Carer Forum Workshops", ("support-groups", "information-advice"),
      "Free workshops for parent carers on EHC plans, sleep, behaviour, benefits and preparing for adulthood.",
      (), (0, 25), "group", ("in-person", "online"), "self", extra_needs=2),
)  # fmt: skip

IASS = (
    T("{area} SENDIASS Helpline", ("information-advice",),
      "Free, impartial and confidential information, advice and support about SEND for parents, children and "
      "young people (SENDIASS): EHC needs assessments, school exclusions, appeals.", (), (0, 25), "phone",
      ("phone",), "self", extra_needs=2, referral_terms=("self-referral",)),
    T("{area} SENDIASS Drop-in at {town} Library", ("information-advice",),
      "Meet an adviser from the SEND information, advice and support service without an appointment.", (),
      (0, 25), "dropin", ("in-person",), "self", extra_needs=2),
    T("{area} SENDIASS Young People's Advice", ("information-advice", "preparing-for-adulthood"),
      "Advice for young people aged 16 to 25 about their own SEND support, in person, online or by text.", (),
      (16, 25), "office", ("in-person", "online", "phone"), "self", extra_needs=2),
    T("{area} Independent Supporters for EHC Needs Assessments", ("information-advice", "ehc-assessment"),
      "Trained independent supporters help families through an EHC needs assessment and plan.", (), (0, 25),
      "office", ("phone", "in-person"), "self", extra_needs=2),
)  # fmt: skip

COLLEGE = (
    T("{provider} Supported Learning Courses", ("post-16-training",),
      "Courses for students with learning difficulties and disabilities: independent living, work skills, "
      "English and maths.", ("learning-disability", "autism"), (16, 25), "school", ("in-person",), "either",
      extra_needs=1),
    T("{provider} Supported Internships", ("employment", "post-16-training"),
      "A study programme with a local employer and a job coach for students with an EHC plan.",
      ("learning-disability",), (16, 24), "school", ("in-person",), "either", referral_terms=("ehc-plan-needed",)),
    T("{provider} Learning Support", ("sen-support", "post-16-training"),
      "Additional learning support for college students with SEND: note takers, exam arrangements and "
      "mentoring.", ("specific-learning-difficulty", "autism"), (16, 25), "school", ("in-person",), "self"),
    T("{provider} Transition Days for Year 11", ("post-16-training", "preparing-for-adulthood"),
      "Taster days for pupils with SEND moving to college.", ("autism",), (14, 16), "holiday", ("in-person",),
      "either"),
)  # fmt: skip

LEISURE_TRUST = (
    T("Saturday Swim Club for Disabled Children ({town})", ("sport-swimming", "short-breaks"),
      "A friendly swimming club for disabled children with qualified instructors and extra helpers in the water.",
      ("physical-disability", "autism", "learning-disability"), (4, 18), "saturday", ("in-person",), "self", 0.8,
      (3.0, 6.0, "Per session")),
    T("{town} Leisure Centre Relaxed Swim Sessions", ("sport-swimming",),
      "Quieter swim sessions with no music, lower lights and fewer people, for autistic swimmers and anyone who "
      "prefers a calm pool.", ("autism", "social-emotional-mental-health"), (0, 25), "weekend", ("in-person",),
      "self", 1.0, (2.5, 5.0, "Per swim")),
    T("Inclusive Gym Sessions for Young People ({town})", ("sport-swimming",),
      "Supervised gym sessions with adapted equipment for young people with disabilities.",
      ("physical-disability", "learning-disability"), (11, 25), "evening", ("in-person",), "self", 1.0,
      (2.0, 5.0, "Per session")),
    T("{town} Trampoline Club for Children with Additional Needs", ("sport-swimming",),
      "Trampolining with trained coaches, at each child's own pace.", ANY_NEED[:3], (5, 18), "afterschool",
      ("in-person",), "self", 1.0, (4.0, 8.0, "Per session")),
    T("Holiday Sports Camp for Children with SEND ({town})", ("holiday-activities", "sport-swimming", "short-breaks"),
      "Multi-sports, games and swimming in the school holidays, with a high staff ratio.", ANY_NEED[:4], (5, 17),
      "holiday", ("in-person",), "self", 0.7, (10.0, 25.0, "Per day")),
)  # fmt: skip

PRIMARY = (
    T("SEN Support at {provider}", ("schools", "sen-support"),
      "How we support pupils with special educational needs: our SENCo, small-group work, adapted teaching and "
      "working with families.", ("specific-learning-difficulty", "speech-language-communication"), (4, 11),
      "school", ("in-person",), "self", extra_needs=2),
    T("{provider} Speech and Language Resource Base", ("schools", "sen-support"),
      "A resource base for pupils with speech and language needs who spend most of their time in mainstream "
      "classes.", ("speech-language-communication",), (4, 11), "school", ("in-person",), "professional",
      referral_terms=("ehc-plan-needed",)),
    T("{provider} Breakfast and After-School Club", ("childcare",),
      "Wraparound childcare with staff trained to support children with additional needs.", (), (4, 11),
      "afterschool", ("in-person",), "self", 1.0, (4.0, 12.0, "Per session")),
    T("{provider} Nurture Group", ("schools", "sen-support"),
      "A small, calm class for part of the day for children who need help with feelings and friendships.",
      ("social-emotional-mental-health",), (4, 11), "school", ("in-person",), "either"),
)  # fmt: skip

SECONDARY = (
    T("SEN Support at {provider}", ("schools", "sen-support"),
      "Support for students with SEND: learning support assistants, literacy and numeracy catch-up, exam "
      "arrangements and a quiet base at break times.", ("specific-learning-difficulty", "autism"), (11, 16),
      "school", ("in-person",), "self", extra_needs=2),
    T("{provider} Autism Resource Base", ("schools", "sen-support"),
      "A specialist base for autistic students, who learn in mainstream lessons with support.", ("autism",),
      (11, 16), "school", ("in-person",), "professional", extra_needs=0, referral_terms=("ehc-plan-needed",)),
    T("{provider} Sixth Form Learning Support", ("post-16-training", "sen-support"),
      "Learning support for sixth form students with SEND.", ("specific-learning-difficulty",), (16, 19),
      "school", ("in-person",), "self"),
)  # fmt: skip

SPECIAL_SCHOOL = (
    T("{provider}", ("special-schools",),
      "A special school for pupils with an EHC plan, with therapy, nursing and sensory rooms on site.",
      ("severe-learning-difficulty", "profound-multiple-learning-disabilities", "autism"), (2, 19), "school",
      ("in-person",), "professional", extra_needs=1, referral_terms=("ehc-plan-needed",)),
    T("{provider} Post-16 Department", ("special-schools", "post-16-training"),
      "Post-16 learning focused on independence, communication and work skills.", ("learning-disability",),
      (16, 19), "school", ("in-person",), "professional", referral_terms=("ehc-plan-needed",)),
    T("{provider} Holiday Playscheme", ("short-breaks", "holiday-activities"),
      "A holiday playscheme for children with complex needs, run by the school's own staff.",
      ("profound-multiple-learning-disabilities", "complex-health-needs"), (5, 19), "holiday", ("in-person",),
      "either", referral_terms=("social-care-assessment",)),
)  # fmt: skip

NURSERY = (
    T("{provider}", ("early-years", "childcare"),
      "Nursery and pre-school places, including funded hours for 2, 3 and 4 year olds, with a SENCo and "
      "inclusive play.", ("developmental-delay", "speech-language-communication"), (0, 5), "nursery", ("in-person",),
      "self", 1.0, (5.5, 8.5, "Per hour (funded hours are free)")),
    T("{provider} Inclusion Support", ("early-years", "sen-support"),
      "How the setting supports young children with SEND, including one-to-one help and links with therapists.",
      ("developmental-delay",), (0, 5), "nursery", ("in-person",), "self", extra_needs=2),
)  # fmt: skip

CHILDCARE = (
    T("{provider}", ("childcare", "holiday-activities"),
      "Childcare in school holidays and after school that welcomes children with SEND.", (), (4, 14), "holiday",
      ("in-person",), "self", 1.0, (18.0, 35.0, "Per day"), extra_needs=2),
    T("{provider} Inclusive After-School Club", ("childcare",),
      "After-school care with extra staff for children with additional needs.", (), (4, 14), "afterschool",
      ("in-person",), "self", 1.0, (8.0, 15.0, "Per session"), extra_needs=2),
)  # fmt: skip

SUPPORT_GROUPS = {
    "autism": (
        T("{area} Autism Parent Support Group", ("support-groups",),
          "A friendly group for parents and carers of autistic children, with or without a diagnosis.",
          ("autism",), (0, 25), "group", ("in-person", "online"), "self", extra_needs=0,
          referral_terms=("no-diagnosis-needed",)),
        T("Autism Family Fun Sessions ({town})", ("leisure-activities", "short-breaks"),
          "Relaxed play sessions for autistic children and their brothers and sisters.", ("autism",), (2, 12),
          "saturday", ("in-person",), "self", 0.3, (2.0, 4.0, "Per family"), extra_needs=0),
        T("Autism Social Club for Teenagers ({town})", ("youth-clubs",),
          "A social club where autistic teenagers play games, cook and go on trips.", ("autism",), (11, 19),
          "evening", ("in-person",), "self", extra_needs=1),
    ),
    "adhd": (
        T("{town} ADHD Parent Support Group", ("support-groups",),
          "Peer support and practical tips for parents of children with ADHD.", ("adhd",), (0, 18), "group",
          ("in-person", "online"), "self", extra_needs=0),
    ),
    "down-syndrome": (
        T("{area} Down Syndrome Support Group", ("support-groups",),
          "Family events, speech and language sessions and Makaton for families of children with Down syndrome.",
          ("down-syndrome",), (0, 25), "group", ("in-person",), "self", extra_needs=0),
        T("Down Syndrome Early Years Playgroup ({town})", ("early-years", "support-groups"),
          "A playgroup with signing and speech therapy activities for under-5s with Down syndrome.",
          ("down-syndrome",), (0, 5), "group", ("in-person",), "self", extra_needs=0),
    ),
    "hearing": (
        T("{area} Deaf Children's Family Group", ("support-groups",),
          "Family days, BSL taster sessions and youth events for deaf children and their families.", ("hearing",),
          (0, 18), "saturday", ("in-person",), "self", extra_needs=0),
    ),
    "vision": (
        T("Sight Loss Family Days ({area})", ("support-groups", "leisure-activities"),
          "Activities and peer support for children with vision impairment and their families.", ("vision",),
          (0, 18), "saturday", ("in-person",), "self", extra_needs=0),
    ),
    "semh": (
        T("{town} Young People's Counselling Service", ("mental-health",),
          "Free, confidential counselling for young people aged 11 to 25, in person, online or by phone.",
          ("social-emotional-mental-health",), (11, 25), "office", ("in-person", "online", "phone"), "self",
          extra_needs=0, referral_terms=("self-referral",)),
        T("Anxiety Support Group for Parents ({town})", ("support-groups", "mental-health"),
          "A group for parents of children with anxiety or emotionally based school avoidance.",
          ("social-emotional-mental-health",), (5, 18), "online", ("online",), "self", extra_needs=1),
    ),
    "learning-disability": (
        T("{town} Gateway Club", ("youth-clubs", "leisure-activities"),
          "A weekly social club for young people and adults with a learning disability.", ("learning-disability",),
          (14, 25), "evening", ("in-person",), "self", 0.5, (1.0, 3.0, "Per evening"), extra_needs=0),
        T("Sensory Storytelling Sessions ({town})", ("arts-music-drama",),
          "Multi-sensory stories for children with profound and multiple learning disabilities.",
          ("profound-multiple-learning-disabilities",), (0, 19), "group", ("in-person",), "self", extra_needs=0),
    ),
    "physical": (
        T("Wheelchair Skills Training ({area})", ("equipment-wheelchairs", "leisure-activities"),
          "Learn to get about confidently in a wheelchair, with games and challenges.", ("physical-disability",),
          (5, 18), "saturday", ("in-person",), "self", extra_needs=0),
    ),
    "medical": (
        T("Epilepsy Family Support ({area})", ("support-groups",),
          "Information and friendship for families of children with epilepsy.", ("medical-conditions",), (0, 25),
          "online", ("online",), "self", extra_needs=0),
    ),
    "dyslexia": (
        T("{area} Dyslexia Support Group", ("support-groups", "information-advice"),
          "Advice sessions and assistive technology demonstrations for families affected by dyslexia.",
          ("specific-learning-difficulty",), (5, 25), "group", ("in-person",), "self", extra_needs=0),
    ),
    "siblings": (
        T("Sibling Support Group ({town})", ("support-groups", "young-carers"),
          "Fun activities and a chance to talk for brothers and sisters of disabled children.", (), (6, 16),
          "group", ("in-person",), "self", extra_needs=2),
    ),
}  # fmt: skip

LEISURE_CLUBS = (
    T("{town} Inclusive Football Club", ("sport-swimming",),
      "Football training and friendly matches for children with disabilities and additional needs.", ANY_NEED[:3],
      (5, 18), "saturday", ("in-person",), "self", 0.6, (2.0, 4.0, "Per session")),
    T("Riding for Disabled Children ({village})", ("sport-swimming", "short-breaks"),
      "Horse riding and carriage driving for disabled children, with trained volunteers.", ("physical-disability",),
      (4, 18), "weekend", ("in-person",), "self", 0.8, (8.0, 15.0, "Per ride")),
    T("{town} Youth Theatre for Young People with SEND", ("arts-music-drama", "youth-clubs"),
      "Drama, music and a show every summer, for young people with and without additional needs.", ANY_NEED[:4],
      (8, 19), "evening", ("in-person",), "self", 0.7, (3.0, 6.0, "Per session")),
    T("{town} Inclusive Scout Group", ("youth-clubs",),
      "Scouting adventures adapted so that everyone can join in.", ANY_NEED[:4], (6, 18), "evening", ("in-person",),
      "self", 0.5, (20.0, 40.0, "Per term")),
    T("Inclusive Dance Classes ({town})", ("arts-music-drama",),
      "Dance and movement classes, including seated dance, for children with disabilities.",
      ("physical-disability", "down-syndrome"), (4, 18), "afterschool", ("in-person",), "self", 0.8,
      (3.0, 6.0, "Per class")),
    T("{town} Adventure Playground Inclusive Sessions", ("leisure-activities", "short-breaks"),
      "Sessions for disabled children at the adventure playground, with a sensory room and adapted swings.",
      ANY_NEED[:6], (5, 16), "saturday", ("in-person",), "self"),
    T("Sensory Gardening Club ({village})", ("leisure-activities",),
      "Growing, planting and cooking in an accessible garden.", ("learning-disability", "autism"), (8, 25), "group",
      ("in-person",), "self"),
    T("Accessible Cycling Sessions ({town})", ("sport-swimming",),
      "Adapted bikes, trikes and tandems for children and young people of all abilities.",
      ("physical-disability", "learning-disability"), (4, 25), "weekend", ("in-person",), "self", 0.6,
      (2.0, 5.0, "Per hour")),
    T("{town} Music Makers Group", ("arts-music-drama",),
      "Music-making for young people with learning disabilities, using accessible instruments and technology.",
      ("learning-disability", "profound-multiple-learning-disabilities"), (5, 25), "group", ("in-person",), "self"),
)  # fmt: skip

SHORT_BREAKS = (
    T("{provider} Saturday Club (short breaks)", ("short-breaks",),
      "A Saturday club for disabled children with games, crafts, outings and personal care.", ANY_NEED[:6], (5, 18),
      "saturday", ("in-person",), "either", extra_needs=2, referral_terms=("social-care-assessment",)),
    T("{provider} Overnight Short Breaks", ("short-breaks", "respite"),
      "Overnight stays in a homely short breaks unit for children with complex needs.",
      ("profound-multiple-learning-disabilities", "complex-health-needs"), (5, 18), "weekend", ("in-person",),
      "professional", referral_terms=("social-care-assessment",)),
    T("{provider} After-School Short Breaks Club", ("short-breaks",),
      "After-school activities for disabled children, giving parent carers a regular break.", ANY_NEED[:6], (5, 18),
      "afterschool", ("in-person",), "either", extra_needs=2),
    T("Family Link Short Breaks ({area})", ("short-breaks", "respite"),
      "Short breaks with approved family link carers who look after a disabled child for a day or overnight.",
      ANY_NEED[:6], (0, 18), "office", ("in-person", "phone"), "professional", extra_needs=2,
      referral_terms=("social-care-assessment",)),
)  # fmt: skip

ADULTHOOD = (
    T("{provider} Job Coaching for Young People with SEND", ("employment",),
      "Job coaches help young people find work experience and paid jobs, and support them and their employer.",
      ("learning-disability", "autism"), (16, 25), "office", ("in-person", "phone"), "either"),
    T("Independent Travel Training ({area})", ("travel", "preparing-for-adulthood"),
      "One-to-one training to travel safely on buses and trains to school, college or work.",
      ("learning-disability", "autism"), (11, 25), "office", ("in-person",), "either", extra_needs=1),
    T("{provider} Life Skills Course", ("independent-living",),
      "Cooking, budgeting, shopping and keeping safe, for young people preparing to live more independently.",
      ("learning-disability",), (16, 25), "group", ("in-person",), "self", 0.3, (5.0, 10.0, "Per session")),
    T("Supported Living Advice ({area})", ("independent-living", "information-advice"),
      "Advice for young people with SEND and their families about housing options and support at home.",
      ("learning-disability", "physical-disability"), (16, 25), "phone", ("phone", "online"), "self"),
)  # fmt: skip

PRIVATE_THERAPY = (
    T("{provider} Independent Speech Therapy", ("speech-and-language-therapy",),
      "Private speech and language therapy assessments and speech therapy sessions at home, school or in clinic.",
      ("speech-language-communication", "autism"), (1, 18), "clinic", ("in-person", "online"), "self", 1.0,
      (60.0, 95.0, "Per hour")),
    T("{provider} Sensory Occupational Therapy", ("occupational-therapy",),
      "Private occupational therapy including sensory integration assessments.", ("autism", "developmental-delay"),
      (2, 18), "clinic", ("in-person",), "self", 1.0, (65.0, 100.0, "Per hour")),
    T("Music Therapy for Children ({town})", ("therapies", "arts-music-drama"),
      "Music therapy sessions with a registered music therapist for children who find words hard.",
      ("autism", "speech-language-communication", "social-emotional-mental-health"), (0, 18), "group",
      ("in-person",), "self", 1.0, (35.0, 55.0, "Per session")),
)  # fmt: skip


@dataclass(frozen=True)
class ProviderKind:
    key: str
    names: tuple[str, ...]  # patterns with {town}, {village}, {area}, {stem}, {animal}, {saint}
    templates: tuple[ServiceTemplate, ...]
    weight: float  # share of generated providers
    services_weight: float  # how many services such a provider tends to have
    venue: str  # how its premises are named
    description: str
    mobile_phone: bool = False


KINDS = (
    ProviderKind("primary", ("{town} Primary School", "{village} Church of England Primary School",
                             "{village} Community Primary School", "St {saint}'s Catholic Primary School, {town}",
                             "{stem} Primary Academy"), PRIMARY, 14, 1.0, "self",
                 "A mainstream primary school."),
    ProviderKind("secondary", ("{town} Academy", "{town} High School", "{stem} School, {town}",
                               "{village} Community College"), SECONDARY, 6, 1.0, "self",
                 "A mainstream secondary school."),
    ProviderKind("special", ("{stem} School", "{village} Special School", "{stem} Academy"), SPECIAL_SCHOOL, 4,
                 1.2, "self", "A special school for pupils with an education, health and care plan."),
    ProviderKind("nursery", ("Little {animal}s Pre-school, {village}", "{village} Day Nursery",
                             "{stem} Nursery School"), NURSERY, 9, 0.6, "self",
                 "An early years setting."),
    ProviderKind("childcare", ("{stem} Holiday Club", "{town} Playscheme", "{animal}s Out-of-School Club"),
                 CHILDCARE, 4, 0.6, "self", "Childcare for school-age children."),
    ProviderKind("charity", ("{area} {need} Network", "{town} {need} Support", "{stem} Families CIC",
                             "Parents Together {town}", "{area} {need} Trust"), (), 16, 1.1, "community",
                 "A local charity run by and for families of children with SEND.", True),
    ProviderKind("leisure", ("{town} Inclusive Sports Club", "{stem} Activity Club CIC", "{village} Community Trust",
                             "{town} Youth Arts"), LEISURE_CLUBS, 12, 1.0, "leisure",
                 "A community organisation running inclusive activities.", True),
    ProviderKind("shortbreaks", ("{stem} Short Breaks", "{area} Family Link", "{stem} House Children's Services"),
                 SHORT_BREAKS, 5, 1.3, "community", "A provider of short breaks for disabled children."),
    ProviderKind("adulthood", ("Next Steps {area} CIC", "{stem} Futures", "{area} Pathways to Work"), ADULTHOOD, 4,
                 1.2, "office", "Helps young people with SEND prepare for adult life."),
    ProviderKind("therapy", ("{stem} Children's Therapy", "Talking Time {town}", "Bright Steps Therapy {town}"),
                 PRIVATE_THERAPY, 4, 0.8, "office", "An independent children's therapy practice."),
)  # fmt: skip

NEED_GROUP_WORDS = {
    "autism": "Autism", "adhd": "ADHD", "down-syndrome": "Down Syndrome", "hearing": "Deaf Children's",
    "vision": "Sight Loss", "semh": "Young Minds", "learning-disability": "Learning Disability",
    "physical": "Disabled Children's", "medical": "Epilepsy", "dyslexia": "Dyslexia", "siblings": "Siblings",
}  # fmt: skip


# How a need reads in "for children ... with ___".
NEED_WORDS = {
    "autism": "autism", "adhd": "ADHD", "hearing": "a hearing impairment", "vision": "a vision impairment",
    "down-syndrome": "Down syndrome", "tourette-syndrome-tics": "Tourette syndrome or tics",
    "specific-learning-difficulty": "a specific learning difficulty such as dyslexia",
    "learning-disability": "a learning disability", "physical-disability": "a physical disability",
    "speech-language-communication": "speech, language and communication needs",
    "social-emotional-mental-health": "social, emotional or mental health needs",
    "sleep": "sleep difficulties", "toileting-continence": "toileting or continence needs",
    "eating-drinking-swallowing": "eating, drinking or swallowing difficulties",
}  # fmt: skip


@dataclass
class Anchor:
    """A named provider each area always has (council, NHS trusts, parent carer forum, SENDIASS, college)."""

    area: Area
    name: str
    kind_key: str
    templates: tuple[ServiceTemplate, ...]
    description: str
    venue: str
    account: tuple[str, str, str] | None = None  # (code, kind, name) of the accounts organisation
    per_town: bool = False  # instantiate {town} templates in several towns
    website_slug: str = ""
    mobile_phone: bool = False


def _anchors() -> list[Anchor]:
    n, e = NORTHSHIRE, EASTBURY
    return [
        Anchor(n, "Northshire County Council", "council", COUNCIL, "The county council: SEND, social care, "
               "travel and the Local Offer for Northshire.", "office",
               (n.la_code, Organisation.Kind.LOCAL_AUTHORITY, n.la_name)),
        Anchor(n, TRUST[2], "nhs", NHS_COMMUNITY, "Community health services for children and families in "
               "Northshire: therapies, health visiting, school nursing and community paediatrics.", "health",
               TRUST, per_town=True),
        Anchor(e, "Eastbury Borough Council", "council", COUNCIL, "The borough council: SEND, social care, "
               "travel and the Local Offer for Eastbury.", "office",
               (e.la_code, Organisation.Kind.LOCAL_AUTHORITY, e.la_name)),
        Anchor(e, "Eastbury and Riverside Community NHS Trust", "nhs", NHS_COMMUNITY, "Community health "
               "services for children and young people in Eastbury.", "health", per_town=True),
        Anchor(n, VOLUNTARY[2], "forum", FORUM, "The parent carer forum for Northshire: parents and carers of "
               "children with SEND working with the council and NHS to improve services.", "community", VOLUNTARY,
               mobile_phone=True),
        Anchor(e, "Eastbury Parent Carer Forum", "forum", FORUM, "Parents and carers of children with SEND in "
               "Eastbury, working together to improve services.", "community", mobile_phone=True),
        Anchor(n, "Northshire SEND Information, Advice and Support Service", "iass", IASS, "Free, impartial and "
               "confidential information, advice and support about SEND (SENDIASS).", "office"),
        Anchor(e, "Eastbury SEND Information, Advice and Support Service", "iass", IASS, "Free, impartial and "
               "confidential SEND information, advice and support (SENDIASS) for Eastbury.", "office"),
        Anchor(n, "Northtown General Hospital NHS Foundation Trust", "nhs", NHS_ACUTE, "The county's acute "
               "hospital, with children's outpatient clinics.", "health", per_town=True),
        Anchor(e, "Eastbury Royal Hospital NHS Trust", "nhs", NHS_ACUTE, "Eastbury's hospital, with a "
               "children's outpatient department.", "health", per_town=True),
        Anchor(n, SCHOOL[2], "primary", PRIMARY, "A mainstream primary school.", "self", SCHOOL),
        Anchor(n, "Northshire College", "college", COLLEGE, "A further education college with campuses across "
               "Northshire.", "self"),
        Anchor(e, "Eastbury Sixth Form College", "college", COLLEGE, "A sixth form college with a supported "
               "learning department.", "self"),
        Anchor(n, "Active Northshire Leisure Trust", "leisuretrust", LEISURE_TRUST, "Runs the county's leisure "
               "centres and swimming pools.", "leisure", per_town=True),
        Anchor(e, "Eastbury Leisure and Wellbeing", "leisuretrust", LEISURE_TRUST, "Runs Eastbury's leisure "
               "centres and pools.", "leisure", per_town=True),
    ]  # fmt: skip


# --- Places and postcodes --------------------------------------------------------------------------

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in inward codes (no C, I, K, M, O, V)


@dataclass(frozen=True)
class PostcodePoint:
    postcode: str
    latitude: float
    longitude: float
    area: Area
    town: Town


@dataclass
class Geography:
    postcodes: dict[str, list[PostcodePoint]]  # district -> points
    villages: dict[str, tuple[str, Town]]  # village -> (area key, nearest town)


def _clamp(area: Area, latitude: float, longitude: float) -> tuple[float, float]:
    south, north, west, east = area.box
    margin = 0.005
    return (
        round(min(max(latitude, south + margin), north - margin), 6),
        round(min(max(longitude, west + margin), east - margin), 6),
    )


def _geography(rng: random.Random) -> Geography:
    postcodes: dict[str, list[PostcodePoint]] = {}
    for area in AREAS:
        spread = 0.03 if area is NORTHSHIRE else 0.012
        for town in area.towns:
            seen: set[str] = set()
            points: list[PostcodePoint] = []
            while len(points) < POSTCODES_PER_DISTRICT:
                code = f"{town.district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
                if code in seen:
                    continue
                seen.add(code)
                lat, lon = _clamp(
                    area, rng.gauss(town.latitude, spread), rng.gauss(town.longitude, spread * 1.5)
                )
                points.append(PostcodePoint(code, lat, lon, area, town))
            postcodes[town.district] = points
    villages: dict[str, tuple[str, Town]] = {}
    for area in AREAS:
        for name in area.villages:
            villages[name] = (area.key, rng.choice(area.towns))
    return Geography(postcodes, villages)


def _ensure_places_and_postcodes(geo: Geography, rng: random.Random) -> tuple[int, int]:
    """Create the demo Postcode and Place rows that are missing; returns (postcodes, places) created."""
    resident = [c.replace(" ", "") for codes in RESIDENT_POSTCODES.values() for c in codes]
    existing = set(
        Postcode.objects.filter(
            key__in=[p.postcode.replace(" ", "") for ps in geo.postcodes.values() for p in ps] + resident
        ).values_list("key", flat=True)
    )
    new_postcodes = [
        Postcode(
            postcode=p.postcode,
            key=p.postcode.replace(" ", ""),
            latitude=p.latitude,
            longitude=p.longitude,
            la_code=p.area.la_code,
        )
        for points in geo.postcodes.values()
        for p in points
        if p.postcode.replace(" ", "") not in existing
    ]
    held = existing | {p.key for p in new_postcodes}
    for area in AREAS:
        for code in RESIDENT_POSTCODES[area.key]:
            town = next(t for t in area.towns if code.startswith(t.district + " "))
            if code.replace(" ", "") not in held:
                held.add(code.replace(" ", ""))
                new_postcodes.append(
                    Postcode(
                        postcode=code,
                        key=code.replace(" ", ""),
                        latitude=town.latitude,
                        longitude=town.longitude,
                        la_code=area.la_code,
                    )
                )
    Postcode.objects.bulk_create(new_postcodes, batch_size=500)
    places: dict[str, tuple[float, float, str]] = {}
    for area in AREAS:
        for town in area.towns:
            if town.name not in places:
                places[town.name] = (town.latitude, town.longitude, area.county)
    for name, (area_key, town) in geo.villages.items():
        area = NORTHSHIRE if area_key == NORTHSHIRE.key else EASTBURY
        lat, lon = _clamp(
            area, town.latitude + rng.uniform(-0.05, 0.05), town.longitude + rng.uniform(-0.05, 0.05)
        )
        places[name] = (lat, lon, area.county)
    existing_places = set(
        Place.objects.filter(key__in=[n.lower() for n in places]).values_list("key", flat=True)
    )
    new_places = [
        Place(name=name, key=name.lower(), latitude=lat, longitude=lon, county=county)
        for name, (lat, lon, county) in places.items()
        if name.lower() not in existing_places
    ]
    Place.objects.bulk_create(new_places)
    return len(new_postcodes), len(new_places)


# --- The generator -------------------------------------------------------------------------------


@dataclass
class Summary:
    services: int = 0
    providers: int = 0
    locations: int = 0
    postcodes: int = 0
    places: int = 0
    by_area: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        areas = ", ".join(f"{k} {v}" for k, v in self.by_area.items())
        return (
            f"{self.services} services ({areas}) from {self.providers} providers at {self.locations} "
            f"locations; {self.postcodes} postcodes and {self.places} places added"
        )


class _Batch:
    """Rows waiting to be written, in dependency order."""

    def __init__(self) -> None:
        self.providers: list[Provider] = []
        self.locations: list[Location] = []
        self.addresses: list[list[Any]] = []
        self.accessibility: list[list[Any]] = []
        self.services: list[Service] = []
        self.sals: list[list[Any]] = []
        self.contacts: list[list[Any]] = []
        self.phones: list[list[Any]] = []
        self.schedules: list[list[Any]] = []
        self.costs: list[list[Any]] = []
        self.service_areas: list[list[Any]] = []
        self.languages: list[list[Any]] = []
        self.funding: list[list[Any]] = []
        self.attributes: list[list[Any]] = []
        self.areas: list[tuple[Service, int]] = []

    def flush(self) -> None:
        # Parents first (they get their primary keys back), then the rows that point at them.
        for parents in (self.providers, self.locations, self.services):
            _insert_objects(parents)
        for model, rows in (
            (Address, self.addresses),
            (Accessibility, self.accessibility),
            (ServiceAtLocation, self.sals),
            (Contact, self.contacts),
            (Phone, self.phones),
            (Schedule, self.schedules),
            (CostOption, self.costs),
            (ServiceArea, self.service_areas),
            (Language, self.languages),
            (Funding, self.funding),
            (Attribute, self.attributes),
        ):
            _fast_insert(model, rows)
        through = Service.areas.through
        _fast_insert(through, [_new(through, service=s, organisation_id=org) for s, org in self.areas])
        self.__init__()  # type: ignore[misc]


_CONVERTED = (models.UUIDField, models.DateField, models.TimeField, models.DecimalField)


@dataclass
class _Shape:
    fields: list[Any]
    index: dict[str, int]
    defaults: list[Any]
    relations: list[int]
    callables: list[tuple[int, Any]]
    converters: list[tuple[int, Any]]
    table: str
    columns: list[str]


_SHAPES: dict[type, _Shape] = {}


def _shape(model: type[models.Model]) -> _Shape:
    shape = _SHAPES.get(model)
    if shape is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        index: dict[str, int] = {}
        for i, f in enumerate(fields):
            index[f.attname] = index[f.name] = i
        defaults = [None if f.has_default() and callable(f.default) else f.get_default() for f in fields]
        shape = _Shape(
            fields=fields,
            index=index,
            defaults=defaults,
            relations=[i for i, f in enumerate(fields) if f.is_relation],
            callables=[
                (i, f.get_default) for i, f in enumerate(fields) if f.has_default() and callable(f.default)
            ],
            converters=[(i, _converter(f)) for i, f in enumerate(fields) if isinstance(f, _CONVERTED)],
            table=str(model._meta.db_table),
            columns=[str(f.column) for f in fields],
        )
        _SHAPES[model] = shape
    return shape


def _converter(f: Any) -> Any:
    if isinstance(f, models.UUIDField) and not connection.features.has_native_uuid_field:
        return lambda value, _: value.hex  # what UUIDField.get_db_prep_value does, without the checks
    if isinstance(f, models.UUIDField):
        return lambda value, _: value
    return f.get_db_prep_save


def _new(model: type[models.Model], **values: Any) -> list[Any]:
    """A row for `model` as a list in column order, with the fields' defaults; a foreign key may be
    given as an object that gets its primary key later (resolved by _fast_insert)."""
    shape = _shape(model)
    row = shape.defaults.copy()
    index = shape.index
    for key, value in values.items():
        row[index[key]] = value
    for i, default in shape.callables:
        if row[i] is None:
            row[i] = default()
    return row


def _insert_objects(objs: list[Any]) -> None:
    """INSERT unsaved model instances (each with its own public_id) with _fast_insert, then give
    them their primary keys by looking the public_ids up: bulk_create without compiling SQL per row."""
    if not objs:
        return
    model = type(objs[0])
    shape = _shape(model)
    rows = []
    for obj in objs:
        values = obj.__dict__
        cache = obj._state.fields_cache
        row = []
        for f in shape.fields:
            value = values.get(f.attname)
            if value is None and f.is_relation and f.name in cache:
                value = cache[f.name].pk
            row.append(value)
        rows.append(row)
    _fast_insert(model, rows)
    pks = dict(model.objects.filter(public_id__in=[o.public_id for o in objs]).values_list("public_id", "pk"))
    for obj in objs:
        obj.pk = pks[obj.public_id]
        obj._state.adding = False


def _fast_insert(model: type[models.Model], rows: list[list[Any]]) -> None:
    """INSERT rows made by _new() (core.bulk.insert_rows), their foreign keys resolved."""
    if not rows:
        return
    shape = _shape(model)
    for row in rows:
        for i in shape.relations:
            value = row[i]
            if isinstance(value, models.Model):
                row[i] = value.pk
        for i, convert in shape.converters:
            if row[i] is not None:
                row[i] = convert(row[i], connection)
    insert_rows(shape.table, shape.columns, rows)


class _Generator:
    def __init__(self, size: int, seed: int, today: dt.date) -> None:
        self.size = size
        self.rng = random.Random(seed)  # repeatable demo data, not a secret  # nosec B311
        self.today = today
        self.geo = _geography(self.rng)
        self.terms: dict[str, dict[str, TaxonomyTerm]] = {}
        self.la_ids: dict[str, int] = {}
        self.accounts: dict[str, int] = {}
        self.provider_names: set[str] = set()
        self.service_names: set[str] = set()
        self.summary = Summary(by_area={a.name: 0 for a in AREAS})

    # -- helpers --
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def term(self, vocabulary: str, code: str) -> TaxonomyTerm:
        return self.terms[vocabulary][code]

    def phone_number(self, area: Area, mobile: bool = False) -> str:
        if mobile:
            return f"07700 900{self.rng.randint(0, 999):03d}"
        return f"{area.phone_prefix}{self.rng.randint(0, 999):03d}"

    def unique(self, names: set[str], name: str, qualifiers: list[str], *, dash: bool = False) -> str:
        """The name, or the name with the first qualifier that makes it unique: "X (Elmbury)", or with
        dash=True "X – Elmbury" (a service's local clinic or group)."""
        if self.size > UNIQUE_NAMES_UP_TO:
            return name
        if name not in names:
            names.add(name)
            return name
        for qualifier in qualifiers:
            if qualifier in name:
                continue
            if dash:
                candidate = f"{name} – {qualifier}"
            else:
                candidate = f"{name[:-1]}, {qualifier})" if name.endswith(")") else f"{name} ({qualifier})"
            if candidate not in names:
                names.add(candidate)
                return candidate
        n = 2
        while f"{name} ({n})" in names:
            n += 1
        names.add(f"{name} ({n})")
        return f"{name} ({n})"

    def point(self, area: Area, town: Town | None = None) -> PostcodePoint:
        town = town or self.rng.choice(area.towns)
        return self.rng.choice(self.geo.postcodes[town.district])

    def fill(self, pattern: str, **values: str) -> str:
        return pattern.format_map(_Default(values))

    # -- records --
    def new_provider(self, name: str, description: str, area: Area, account: int | None) -> Provider:
        slug = slugify(name)[:60]
        stamp = dt.datetime.combine(self.today - dt.timedelta(days=self.rng.randint(30, 900)), dt.time(9),
                                    tzinfo=dt.UTC)  # fmt: skip
        return Provider(
            public_id=self.uuid(),
            name=name,
            description=description,
            email=f"{slug[:40]}@example.org",
            website=f"https://example.org/{slug}",
            account_id=account,
            created_at=stamp,
            updated_at=stamp,
        )

    def new_location(
        self, batch: _Batch, provider: Provider, area: Area, venue: str, town: Town | None = None
    ) -> tuple[Location, PostcodePoint]:
        point = self.point(area, town)
        rng = self.rng
        town_name = point.town.name
        names = {
            "self": provider.name,
            "office": f"{rng.choice(NAME_STEMS)} House",
            "health": rng.choice((f"{town_name} Health Centre", f"{town_name} Child Development Centre",
                                  f"{town_name} Community Clinic")),
            "community": rng.choice((f"{town_name} Community Centre", f"{town_name} Library",
                                     f"{rng.choice(NAME_STEMS)} Community Hall", f"{town_name} Family Hub")),
            "leisure": rng.choice((f"{town_name} Leisure Centre", f"{town_name} Sports Hall",
                                   f"{rng.choice(NAME_STEMS)} Recreation Ground Pavilion")),
        }  # fmt: skip
        lat = round(point.latitude + rng.uniform(-0.0015, 0.0015), 6)
        lon = round(point.longitude + rng.uniform(-0.0015, 0.0015), 6)
        lat, lon = _clamp(area, lat, lon)
        location = Location(
            public_id=self.uuid(),
            provider=provider,
            name=names.get(venue, names["community"]),
            latitude=lat,
            longitude=lon,
            transportation=rng.choice(
                (
                    "",
                    "Bus stop outside.",
                    "Ten minutes' walk from the railway station.",
                    "Free car park on site.",
                )
            ),  # fmt: skip
        )
        street = f"{rng.randint(1, 180)} {rng.choice(STREET_STEMS)} {rng.choice(STREET_SUFFIXES)}"
        batch.locations.append(location)
        batch.addresses.append(
            _new(
                Address,
                public_id=self.uuid(),
                location=location,
                address_1=street,
                city=town_name,
                state_province=area.county,
                postal_code=point.postcode,
            )
        )
        terms = rng.sample(taxonomies.ACCESSIBILITY.terms, rng.randint(1, 5))
        if venue != "self" and rng.random() < 0.6:
            terms = [t for t in terms if t.code != "step-free-access"] + [taxonomies.ACCESSIBILITY.terms[0]]
        for spec in terms:
            batch.accessibility.append(
                _new(
                    Accessibility,
                    public_id=self.uuid(),
                    location=location,
                    description=spec.name,
                    details=spec.description,
                )  # fmt: skip
            )
            batch.attributes.append(
                _new(
                    Attribute,
                    public_id=self.uuid(),
                    taxonomy_term=self.term("accessibility", spec.code),
                    link_type=Attribute.LinkType.LOCATION,
                    location=location,
                )
            )
        self.summary.locations += 1
        return location, point

    def new_service(
        self,
        batch: _Batch,
        template: ServiceTemplate,
        provider: Provider,
        area: Area,
        locations: list[tuple[Location, PostcodePoint]],
        town: Town,
        mobile: bool,
    ) -> None:
        rng = self.rng
        village = rng.choice(area.villages)
        name = self.fill(
            template.name, town=town.name, area=area.name, provider=provider.name, village=village
        )
        name = self.unique(
            self.service_names,
            name,
            [town.name, village, "Saturday group", "term time", "north", "south"],
            dash=True,
        )
        # Ages, costs, review dates.
        minimum_age, maximum_age = template.ages
        paid = rng.random() < template.paid
        if rng.random() < 0.85:
            age_days = rng.randint(0, 364)
        else:  # stale: 12 to 20 months
            age_days = rng.randint(366, 608)
        reviewed = self.today - dt.timedelta(days=age_days)
        updated = dt.datetime.combine(
            reviewed, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=dt.UTC
        )
        status = Service.Status.ACTIVE
        alert = ""
        if rng.random() < TEMPORARILY_CLOSED_SHARE:
            status = Service.Status.TEMPORARILY_CLOSED
            reopen = self.today + dt.timedelta(days=rng.randint(14, 120))
            alert = f"Temporarily closed for building work. We expect to reopen in {reopen:%B %Y}."
        slug = slugify(name)[:70]
        referral = template.referral
        needs = list(template.needs)
        extra = [n for n in ANY_NEED if n not in needs]
        needs += rng.sample(extra, min(len(extra), rng.randint(0, template.extra_needs)))
        need_names = [NEED_WORDS.get(code, self.term("send-needs", code).name.lower()) for code in needs]
        ages_text = _ages_words(minimum_age, maximum_age)
        eligibility = f"For {ages_text}"
        if need_names:
            eligibility += (
                " with " + _join(need_names[:3]) + (" and other needs" if len(need_names) > 3 else "")
            )
        eligibility += f", and their families, in {area.name}."
        if "ehc-plan-needed" in template.referral_terms:
            eligibility += " Children and young people need an education, health and care plan."
        elif rng.random() < 0.4:
            eligibility += " You do not need a diagnosis."
        access = {
            "self": rng.choice(("Phone or email us to book a place.", "Just come along; you can also call us first "
                                "if you have questions.", "Fill in the short form on our website or give us a call.")),
            "professional": "Ask your GP, health visitor, school SENCo or social worker to refer your child. "
                            "Referrals are reviewed every week.",
            "either": "Contact us yourself, or ask a professional who knows your child (GP, health visitor, school) to "
                      "refer you.",
        }[referral]  # fmt: skip
        description = template.about + " " + " ".join(rng.sample(EXTRA_SENTENCES, rng.randint(1, 3)))
        service = Service(
            public_id=self.uuid(),
            provider=provider,
            name=name,
            description=description,
            url=f"https://example.org/{slugify(provider.name)[:50]}/{slug}",
            email=f"{slug[:50]}@example.org",
            status=status,
            alert=alert,
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            eligibility_description=eligibility,
            referral=referral,
            application_process=access,
            wait_time=template.wait_time,
            is_free=not paid,
            fees_description="",
            last_reviewed=reviewed,
            reviewed_by_email="local-offer-team@example.org",
            created_at=updated - dt.timedelta(days=rng.randint(30, 700)),
            updated_at=updated,
        )
        batch.services.append(service)
        # Delivery and places.
        modes = template.modes
        physical = "in-person" in modes and locations
        if physical:
            chosen = [min(locations, key=lambda lp: (lp[1].town != town, 0))]
            if len(locations) > 1 and rng.random() < 0.2:
                chosen.append(rng.choice([lp for lp in locations if lp is not chosen[0]]))
            for location, _ in chosen:
                batch.sals.append(_new(ServiceAtLocation, public_id=self.uuid(), service=service, location=location,
                                                    updated_at=updated))  # fmt: skip
        for values in _schedules(
            template.schedule, rng, modes if physical else tuple(m for m in modes if m != "in-person")
        ):
            if not values.get("attending_type"):
                values["attending_type"] = Schedule.AttendingType.ONLINE if "online" in modes else (
                    Schedule.AttendingType.PHONE)  # fmt: skip
            batch.schedules.append(
                _new(
                    Schedule,
                    public_id=self.uuid(),
                    service=service,
                    freq=Schedule.Frequency.WEEKLY,
                    interval=values.get("interval"),
                    byday=values["byday"],
                    opens_at=_t(values["opens_at"]),
                    closes_at=_t(values["closes_at"]),
                    description=values.get("description", ""),
                    attending_type=values["attending_type"],
                )
            )
        delivered = {m for m in modes if m != "in-person" or physical}
        for code in sorted(delivered or {"phone"}):
            self.attribute(batch, service, "delivery", code)
        # Contact and phone.
        contact = _new(Contact, public_id=self.uuid(), service=service, name=rng.choice(CONTACT_TITLES),
                          email=f"{slug[:50]}@example.org")  # fmt: skip
        batch.contacts.append(contact)
        batch.phones.append(
            _new(
                Phone,
                public_id=self.uuid(),
                service=service,
                number=self.phone_number(area, mobile),
                type="voice",
            )
        )
        if rng.random() < 0.1:
            batch.phones.append(_new(Phone, public_id=self.uuid(), service=service, type="text",
                                      number=f"07700 900{rng.randint(0, 999):03d}", description="Text us"))  # fmt: skip
        # Cost.
        if paid:
            low, high, option = template.price
            amount = Decimal(str(round(rng.uniform(low, high) * 2) / 2)).quantize(Decimal("0.01"))
            service.fees_description = f"£{amount} {option.lower()}. Ask us about help with costs."
            batch.costs.append(_new(CostOption, public_id=self.uuid(), service=service, option=option, amount=amount,
                                          amount_description=f"£{amount} {option.lower()}"))  # fmt: skip
        elif rng.random() < 0.1:
            service.fees_description = "Free. Some trips may have a small charge."
        # Terms.
        for code in needs:
            self.attribute(batch, service, "send-needs", code)
        for code in template.categories:
            self.attribute(batch, service, "service-categories", code)
        referral_terms = set(template.referral_terms) or {
            "self": {"self-referral"}, "professional": {"professional-referral"},
            "either": {"self-referral", "professional-referral"},
        }[referral]  # fmt: skip
        for code in sorted(referral_terms):
            self.attribute(batch, service, "referral", code)
        # Areas served.
        both = rng.random() < 0.04
        for served in AREAS if both else (area,):
            batch.areas.append((service, self.la_ids[served.la_code]))
            batch.service_areas.append(
                _new(
                    ServiceArea,
                    public_id=self.uuid(),
                    service=service,
                    name=served.name,
                    la_code=served.la_code,
                )
            )
            self.summary.by_area[served.name] += 1
        # Languages.
        if rng.random() < 0.35:
            batch.languages.append(
                _new(Language, public_id=self.uuid(), service=service, name="English", code="en")
            )
            for lang, code in rng.sample(LANGUAGES, rng.randint(1, 2)):
                batch.languages.append(
                    _new(Language, public_id=self.uuid(), service=service, name=lang, code=code)
                )
            service.interpretation_services = "Interpreters can be booked for appointments."
        if rng.random() < 0.15:
            batch.funding.append(_new(Funding, public_id=self.uuid(), service=service, source=rng.choice((
                f"{area.la_name}", "NHS", "The National Lottery Community Fund", "Local fundraising"))))  # fmt: skip
        self.summary.services += 1

    def attribute(self, batch: _Batch, service: Service, vocabulary: str, code: str) -> None:
        batch.attributes.append(
            _new(
                Attribute,
                public_id=self.uuid(),
                taxonomy_term=self.term(vocabulary, code),
                link_type=Attribute.LinkType.SERVICE,
                service=service,
            )
        )

    # -- providers --
    def provider_plan(self) -> Iterator[tuple[Any, int]]:
        """Yield (anchor or (kind, area), number of services) for every provider, in a fixed order."""
        anchors = _anchors()
        count = max(1, min(self.size, round(self.size / SERVICES_PER_PROVIDER)))
        plan: list[Any] = anchors[:count]
        weights = [k.weight for k in KINDS]
        while len(plan) < count:
            kind = self.rng.choices(KINDS, weights)[0]
            area = NORTHSHIRE if self.rng.random() < 0.62 else EASTBURY
            plan.append((kind, area))
        # Every provider gets one service, the rest are spread by weight (anchors are big).
        service_weights = [
            (len(p.templates) * (3 if p.per_town else 1)) if isinstance(p, Anchor) else p[0].services_weight
            for p in plan
        ]
        extra = [0] * len(plan)
        remaining = self.size - len(plan)
        chunk = 100_000
        while remaining > 0:
            n = min(chunk, remaining)
            for i in self.rng.choices(range(len(plan)), service_weights, k=n):
                extra[i] += 1
            remaining -= n
        for item, more in zip(plan, extra, strict=True):
            yield item, 1 + more

    def build_provider(self, batch: _Batch, item: Any, n_services: int) -> None:
        rng = self.rng
        if isinstance(item, Anchor):
            area, templates = item.area, item.templates
            name = self.unique(self.provider_names, item.name, [area.name])
            account = self.accounts.get(item.account[0]) if item.account else None
            description, venue, mobile = item.description, item.venue, item.mobile_phone
            n_locations = (
                min(len(area.towns), 1 + n_services // 4) if item.per_town else (2 if n_services > 3 else 1)
            )
        else:
            kind, area = item
            venue, mobile = kind.venue, kind.mobile_phone
            town = rng.choice(area.towns)
            need_group = rng.choice(list(SUPPORT_GROUPS))
            pattern = rng.choice(kind.names)
            name = self.fill(pattern, town=town.name, village=rng.choice(area.villages), area=area.name,
                             stem=rng.choice(NAME_STEMS), animal=rng.choice(ANIMALS), saint=rng.choice(SAINTS),
                             need=NEED_GROUP_WORDS[need_group])  # fmt: skip
            name = self.unique(self.provider_names, name, [town.name, *area.villages])
            templates = SUPPORT_GROUPS[need_group] if kind.key == "charity" else kind.templates
            description = kind.description
            account = None
            n_locations = 1 if n_services < 6 else 2
        provider = self.new_provider(name, description, area, account)
        batch.providers.append(provider)
        self.summary.providers += 1
        locations = []
        towns = list(area.towns)
        rng.shuffle(towns)
        home = towns[0] if isinstance(item, Anchor) else town
        for i in range(n_locations):
            locations.append(
                self.new_location(batch, provider, area, venue, home if i == 0 else towns[i % len(towns)])
            )
        # Services: walk the templates in order (so small sizes still cover every kind of service), moving town.
        for i in range(n_services):
            template = templates[i % len(templates)]
            if item.__class__ is Anchor and item.per_town:
                service_town = towns[(i // len(templates)) % len(towns)]
            else:
                service_town = locations[0][1].town if "{town}" not in template.name or i < len(templates) else (
                    rng.choice(area.towns))  # fmt: skip
            self.new_service(batch, template, provider, area, locations, service_town, mobile)

    def run(self, stdout: TextIO | None, batch_size: int) -> Summary:
        self.terms = taxonomies.ensure_taxonomies()
        for area in AREAS:
            org, _ = Organisation.objects.get_or_create(
                code=area.la_code, kind=Organisation.Kind.LOCAL_AUTHORITY, defaults={"name": area.la_name}
            )
            self.la_ids[area.la_code] = org.pk
            self.accounts[area.la_code] = org.pk
        for code, kind, name in (TRUST, VOLUNTARY, SCHOOL):
            org, _ = Organisation.objects.get_or_create(code=code, kind=kind, defaults={"name": name})
            self.accounts[code] = org.pk
        self.summary.postcodes, self.summary.places = _ensure_places_and_postcodes(self.geo, self.rng)
        batch = _Batch()
        written = 0
        for item, n_services in self.provider_plan():
            self.build_provider(batch, item, n_services)
            if len(batch.services) >= batch_size:
                written += len(batch.services)
                batch.flush()
                if stdout is not None and self.size >= 10 * batch_size:
                    stdout.write(f"  {written:,} of {self.size:,} services written\n")
        batch.flush()
        return self.summary


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _ages_words(minimum: int | None, maximum: int | None) -> str:
    if minimum in (None, 0) and maximum is not None and maximum <= 5:
        return f"babies and children under {maximum + 1}"
    if minimum is not None and minimum >= 16:
        return f"young people aged {minimum} to {maximum}"
    return f"children and young people aged {minimum or 0} to {maximum}"


# --- Public entry points -------------------------------------------------------------------------


def is_loaded() -> bool:
    """True when the directory already has services (demo or real): the demo is then not loaded again."""
    return Service.objects.exists()


def generate(
    size: int = DEFAULT_SERVICES,
    seed: int = 2026,
    *,
    stdout: TextIO | None = None,
    today: dt.date | None = None,
    batch_size: int = 2000,
    reindex: bool = True,
) -> Summary:
    """Write a synthetic Local Offer of `size` services; the same seed (and day) gives the same data.

    Needs a directory without services (the UUIDs are seeded, so a second run would collide).
    Memory stays flat: rows are written every `batch_size` services. Rebuilds the search rows when
    `reindex` is true.
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    if Service.objects.exists():
        raise ValueError("generate() needs a directory without services; the demo data is seeded")
    generator = _Generator(size, seed, today or timezone.localdate())
    with transaction.atomic():
        summary = generator.run(stdout, batch_size)
    if reindex:
        _reindex(stdout)
    return summary


def _reindex(stdout: TextIO | None) -> None:
    count = reindex_services()
    if stdout is not None:
        stdout.write(f"  search index rebuilt for {count:,} services\n")


def load(stdout: TextIO | None = None, services: int | None = None, seed: int = 2026, **options: Any) -> str:
    """Load the demo Local Offer (called by `manage.py load_demo_data`); returns a one-line summary.

    Does nothing when the directory already has services (the seeded data would collide)."""
    if is_loaded():
        return "the directory already has services; demo services not loaded"
    summary = generate(services or DEFAULT_SERVICES, seed, stdout=stdout)
    record_reminders_already_sent()
    return str(summary)


def record_reminders_already_sent(today: dt.date | None = None) -> int:
    """The demo's own history: records that were already due for review when the demo begins had
    their reminder in the past, so the worker's first pass must not send one e-mail per provider.

    Reminders fall due from the demo's own dates afterwards: a record due soon today is reminded
    again when it becomes overdue, and a record reviewed today when it reaches its review date.
    Returns how many reminders were recorded as sent.
    """
    create_review_reminders(today=today)
    return ReviewReminder.objects.filter(sent_at__isnull=True).update(
        sent_at=timezone.now(), recipients="(sent before the demo began)"
    )
