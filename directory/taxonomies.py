"""The SEND taxonomies the Local Offer is tagged with, as data, and `ensure_taxonomies()` to load them.

Five vocabularies: needs, service categories (covering the topics of Schedule 2 to the SEND
Regulations 2014 and s30 of the Children and Families Act 2014), how a service is delivered,
accessibility facilities at a location, and how to access a service (referral route).

Rules for editing this file:
- `code` is a stable slug used in URLs and in imports: never change one, add a new term instead.
- `position` is the term's bit in the search index's bitmasks (`SearchEntry.needs_mask`...):
  unique within a vocabulary and below 63. Never reuse the position of a removed term.
- Every term has a plain-English description a parent would understand.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from directory.models import Taxonomy, TaxonomyTerm

Vocabulary = Taxonomy.Vocabulary

MAX_POSITION = 62  # positions are bits of a signed 64-bit integer

# Built-in taxonomies and terms get the same UUID in every installation, so an ORUK consumer (or an
# export moved between systems) sees the same taxonomy_term_id for "autism" everywhere.
ID_NAMESPACE = uuid.UUID("6f1d2c3e-8a47-5b1e-9c0d-5e4d0a11e7a2")


def stable_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, ":".join(parts))


@dataclass(frozen=True)
class Term:
    position: int
    code: str
    name: str
    description: str
    parent: str = ""  # code of the parent term in the same vocabulary
    aliases: tuple[str, ...] = field(default=())  # other words people and spreadsheets use


@dataclass(frozen=True)
class Vocab:
    vocabulary: str
    name: str
    description: str
    terms: tuple[Term, ...]


NEEDS = Vocab(
    Vocabulary.NEEDS,
    "SEND needs",
    "The special educational needs, disabilities and conditions a service supports.",
    (
        Term(
            0,
            "autism",
            "Autism",
            "Autistic children and young people, with or without a diagnosis.",
            aliases=("autistic spectrum condition", "autistic spectrum disorder", "asc", "asd", "autistic"),
        ),
        Term(
            1,
            "adhd",
            "ADHD",
            "Attention deficit hyperactivity disorder: difficulties with attention, activity and impulses.",
            aliases=("attention deficit hyperactivity disorder", "add"),
        ),
        Term(
            2,
            "speech-language-communication",
            "Speech, language and communication",
            "Difficulties with talking, understanding what others say, or communicating with others.",
            aliases=(
                "slcn",
                "speech and language",
                "speech language and communication needs",
                "communication",
                "speech, language and communication needs",
            ),
        ),
        Term(
            3,
            "social-emotional-mental-health",
            "Social, emotional and mental health",
            "Anxiety, low mood, difficulties managing feelings or getting on with others.",
            aliases=("semh", "mental health", "emotional wellbeing"),
        ),
        Term(
            4,
            "hearing",
            "Sensory: hearing",
            "Deaf children and young people, and those with a hearing loss of any level.",
            aliases=("hearing impairment", "deaf", "hi", "sensory - hearing", "hearing loss"),
        ),
        Term(
            5,
            "vision",
            "Sensory: vision",
            "Blind children and young people, and those with a vision impairment.",
            aliases=("vision impairment", "visual impairment", "vi", "blind", "sensory - vision"),
        ),
        Term(
            6,
            "multi-sensory-impairment",
            "Multi-sensory impairment",
            "Children and young people who have both a hearing and a vision impairment.",
            aliases=("msi", "deafblind", "deafblindness"),
        ),
        Term(
            7,
            "physical-disability",
            "Physical disability",
            "Conditions that affect movement, mobility or getting around, including cerebral palsy.",
            aliases=("pd", "physical", "mobility", "physical difficulties"),
        ),
        Term(
            8,
            "learning-disability",
            "Learning disability",
            "A reduced ability to learn new skills and understand information, affecting everyday life.",
            aliases=(
                "ld",
                "learning disabilities",
                "moderate learning difficulty",
                "mld",
                "cognition and learning",
            ),
        ),
        Term(
            9,
            "specific-learning-difficulty",
            "Specific learning difficulty (for example dyslexia)",
            "Difficulty with one area of learning, such as reading (dyslexia), coordination (dyspraxia) "
            "or numbers (dyscalculia).",
            aliases=(
                "spld",
                "dyslexia",
                "dyspraxia",
                "dyscalculia",
                "specific learning difficulty",
                "developmental coordination disorder",
                "dcd",
            ),
        ),
        Term(
            10,
            "medical-conditions",
            "Medical conditions",
            "Long-term health conditions such as epilepsy, diabetes, asthma or allergies that need support "
            "at home, in childcare or at school.",
            aliases=("medical", "long-term conditions", "epilepsy", "diabetes"),
        ),
        Term(
            11,
            "down-syndrome",
            "Down syndrome",
            "Children and young people with Down syndrome and their families.",
            aliases=("down's syndrome", "downs syndrome", "trisomy 21"),
        ),
        Term(
            12,
            "profound-multiple-learning-disabilities",
            "Profound and multiple learning disabilities",
            "A profound learning disability together with other disabilities, often needing support "
            "with most everyday activities.",
            aliases=("pmld",),
        ),
        Term(
            13,
            "severe-learning-difficulty",
            "Severe learning difficulty",
            "Significant difficulties with learning that need support in most parts of the curriculum.",
            aliases=("sld", "severe learning difficulties"),
        ),
        Term(
            14,
            "developmental-delay",
            "Developmental delay",
            "Young children who are taking longer than expected to reach milestones such as walking or talking.",
            aliases=("global developmental delay", "gdd"),
        ),
        Term(
            15,
            "tourette-syndrome-tics",
            "Tourette syndrome and tics",
            "Sounds or movements that a child or young person cannot control.",
            aliases=("tourette syndrome", "tourettes", "tics"),
        ),
        Term(
            16,
            "complex-health-needs",
            "Complex health needs",
            "Children and young people who need a lot of health care, for example tube feeding, "
            "oxygen or continuing care.",
            aliases=("complex needs", "continuing care", "life-limiting conditions"),
        ),
        Term(
            17,
            "eating-drinking-swallowing",
            "Eating, drinking and swallowing",
            "Difficulties with feeding, chewing or swallowing safely.",
            aliases=("dysphagia", "feeding difficulties"),
        ),
        Term(
            18,
            "toileting-continence",
            "Toileting and continence",
            "Help with bladder and bowel problems, toilet training and continence products.",
            aliases=("continence", "toilet training", "bladder and bowel"),
        ),
        Term(
            19,
            "sleep",
            "Sleep difficulties",
            "Problems getting to sleep or staying asleep that affect the child and the family.",
            aliases=("sleep problems",),
        ),
        Term(
            20,
            "behaviour-that-challenges",
            "Behaviour that challenges",
            "Behaviour that puts the child or others at risk or makes everyday life hard, "
            "and the support families need with it.",
            aliases=("challenging behaviour",),
        ),
    ),
)

CATEGORIES = Vocab(
    Vocabulary.CATEGORIES,
    "Service categories",
    "What kind of service it is, covering the topics a Local Offer must include "
    "(Children and Families Act 2014 s30 and Schedule 2 to the SEND Regulations 2014).",
    (
        # Top-level groups.
        Term(
            0,
            "health",
            "Health",
            "NHS and other health services for children and young people with SEND.",
            aliases=("health care", "healthcare"),
        ),
        Term(
            1,
            "education",
            "Education",
            "Early years settings, schools, colleges and the support they give to learners with SEND.",
            aliases=("learning",),
        ),
        Term(
            2,
            "social-care",
            "Social care",
            "Support from the council's children's and young people's social care services.",
            aliases=("care",),
        ),
        Term(
            3,
            "leisure-activities",
            "Leisure and activities",
            "Clubs, sport, arts and holiday activities that welcome disabled children and children with SEN.",
            aliases=("leisure", "activities", "leisure activities", "things to do"),
        ),
        Term(
            4,
            "support-groups",
            "Support groups and parent carer forums",
            "Groups run by and for families, including the local parent carer forum.",
            aliases=("support group", "parent carer forum", "parent support", "peer support"),
        ),
        Term(
            5,
            "information-advice",
            "Information, advice and support (SENDIASS)",
            "Free, impartial information and advice about SEND law, education, health and care, "
            "including the SEND information, advice and support service.",
            aliases=("sendiass", "iass", "information and advice", "advice"),
        ),
        Term(
            6,
            "travel",
            "Travel and transport",
            "Getting to and from early years settings, schools and colleges, and how to apply for help "
            "with travel.",
            aliases=("transport", "home to school transport", "travel assistance"),
        ),
        Term(
            7,
            "preparing-for-adulthood",
            "Preparing for adulthood",
            "Help for young people moving towards adult life: work, housing, independent living, "
            "friendships and health.",
            aliases=("pfa", "transition to adulthood", "transition"),
        ),
        Term(
            8,
            "childcare",
            "Childcare",
            "Childminders, nurseries, holiday and after-school childcare suitable for children with SEND.",
            aliases=("child care", "nursery", "childminder"),
        ),
        Term(
            9,
            "complaints-disagreements",
            "Complaints and disagreement resolution",
            "How to complain, mediation, disagreement resolution and appeals to the SEND Tribunal.",
            aliases=("complaints", "mediation", "disagreement resolution", "tribunal", "appeals"),
        ),
        # Health.
        Term(
            10,
            "therapies",
            "Therapies",
            "Speech and language therapy, occupational therapy and physiotherapy for children and young people.",
            parent="health",
            aliases=("therapy", "health: therapies"),
        ),
        Term(
            11,
            "speech-and-language-therapy",
            "Speech and language therapy",
            "Help with talking, understanding, communication, and eating, drinking and swallowing.",
            parent="therapies",
            aliases=("speech therapy", "salt", "slt", "speech and language"),
        ),
        Term(
            12,
            "occupational-therapy",
            "Occupational therapy",
            "Help with everyday activities such as dressing, writing, play and sensory processing.",
            parent="therapies",
            aliases=("ot",),
        ),
        Term(
            13,
            "physiotherapy",
            "Physiotherapy",
            "Help with movement, posture, balance and strength.",
            parent="therapies",
            aliases=("physio",),
        ),
        Term(
            14,
            "community-paediatrics",
            "Community paediatrics",
            "Children's doctors who assess development, diagnose conditions and coordinate care.",
            parent="health",
            aliases=("paediatrics", "child development", "children's doctor"),
        ),
        Term(
            15,
            "mental-health",
            "Mental health (CAMHS)",
            "Support for children and young people's emotional wellbeing and mental health, including CAMHS.",
            parent="health",
            aliases=("camhs", "cyp mental health", "emotional wellbeing services", "camhs/mental health"),
        ),
        Term(
            16,
            "health-visiting",
            "Health visiting",
            "Health visitors support families with babies and young children under 5.",
            parent="health",
            aliases=("health visitor", "health visitors"),
        ),
        Term(
            17,
            "school-nursing",
            "School nursing",
            "School nurses support the health of children and young people at school.",
            parent="health",
            aliases=("school nurse", "school nurses"),
        ),
        Term(
            18,
            "equipment-wheelchairs",
            "Equipment and wheelchairs",
            "Wheelchairs, seating, mobility and daily-living equipment, and how to get them.",
            parent="health",
            aliases=("equipment", "wheelchairs", "wheelchair service"),
        ),
        Term(
            19,
            "hearing-and-vision-services",
            "Hearing and vision services",
            "Children's audiology, eye clinics and specialist teachers for deaf and vision-impaired children.",
            parent="health",
            aliases=("audiology", "orthoptics", "eye clinic"),
        ),
        Term(
            20,
            "continuing-care-nursing",
            "Children's community nursing and continuing care",
            "Nursing care at home and in the community for children with complex health needs.",
            parent="health",
            aliases=("community nursing", "continuing care"),
        ),
        Term(
            21,
            "diagnosis-assessment",
            "Diagnosis and assessment",
            "Assessment and diagnosis of conditions such as autism and ADHD.",
            parent="health",
            aliases=("diagnosis", "assessment", "neurodevelopmental assessment"),
        ),
        # Education.
        Term(
            22,
            "early-years",
            "Early years",
            "Nurseries, pre-schools and early years support for children under 5.",
            parent="education",
            aliases=("early years settings", "pre-school", "preschool"),
        ),
        Term(
            23,
            "schools",
            "Schools",
            "Mainstream primary and secondary schools and academies, including resource bases.",
            parent="education",
            aliases=("school", "mainstream schools", "mainstream school"),
        ),
        Term(
            24,
            "special-schools",
            "Special schools",
            "Schools for children and young people with significant special educational needs.",
            parent="education",
            aliases=("special school", "specialist schools"),
        ),
        Term(
            25,
            "post-16-training",
            "Post-16 education and training",
            "Sixth forms, colleges, apprenticeships, traineeships and supported internships.",
            parent="education",
            aliases=(
                "post-16",
                "post 16",
                "college",
                "training",
                "post-16 and training",
                "supported internships",
                "apprenticeships",
            ),
        ),
        Term(
            26,
            "sen-support",
            "SEN support",
            "Extra help in early years settings, schools and colleges for children without an EHC plan.",
            parent="education",
            aliases=("sen support in schools", "learning support"),
        ),
        Term(
            27,
            "ehc-assessment",
            "EHC needs assessments and plans",
            "How special educational needs are identified and assessed, and how to ask for an "
            "education, health and care (EHC) needs assessment.",
            parent="education",
            aliases=("ehcp", "ehc plan", "ehc needs assessment", "statutory assessment"),
        ),
        Term(
            28,
            "alternative-provision",
            "Alternative provision",
            "Education outside school for pupils who cannot attend, such as pupil referral units.",
            parent="education",
            aliases=("pru", "pupil referral unit"),
        ),
        # Social care.
        Term(
            29,
            "short-breaks",
            "Short breaks",
            "Time for disabled children to enjoy activities away from their parents, and a break for "
            "parent carers.",
            parent="social-care",
            aliases=("short break",),
        ),
        Term(
            30,
            "respite",
            "Respite care",
            "Overnight and day care that gives families a rest from caring.",
            parent="social-care",
            aliases=("respite care", "overnight breaks"),
        ),
        Term(
            31,
            "family-support",
            "Family support",
            "Help for families at home, early help and family hubs.",
            parent="social-care",
            aliases=("early help", "family hubs", "family hub"),
        ),
        Term(
            32,
            "young-carers",
            "Young carers",
            "Support for children and young people who help look after a family member.",
            parent="social-care",
            aliases=("young carer",),
        ),
        Term(
            33,
            "disabled-children-team",
            "Disabled children's social care",
            "Assessments and support from the council's disabled children's team.",
            parent="social-care",
            aliases=("children with disabilities team", "cwd team"),
        ),
        # Leisure.
        Term(
            34,
            "sport-swimming",
            "Sport and swimming",
            "Inclusive and disability sport, swimming and fitness sessions.",
            parent="leisure-activities",
            aliases=("sport", "swimming", "sports"),
        ),
        Term(
            35,
            "arts-music-drama",
            "Arts, music and drama",
            "Creative activities such as art clubs, music, dance and drama.",
            parent="leisure-activities",
            aliases=("arts", "music", "drama"),
        ),
        Term(
            36,
            "holiday-activities",
            "Holiday activities",
            "Holiday clubs and playschemes, including inclusive and specialist schemes.",
            parent="leisure-activities",
            aliases=("holiday club", "playscheme", "holiday clubs"),
        ),
        Term(
            37,
            "youth-clubs",
            "Youth clubs",
            "Evening and weekend clubs for older children and young people.",
            parent="leisure-activities",
            aliases=("youth club", "youth groups"),
        ),
        # Preparing for adulthood.
        Term(
            38,
            "employment",
            "Employment and supported internships",
            "Help to find and keep work, including job coaching and supported internships.",
            parent="preparing-for-adulthood",
            aliases=("jobs", "work"),
        ),
        Term(
            39,
            "independent-living",
            "Independent living and housing",
            "Help to live as independently as possible, including housing options and daily living skills.",
            parent="preparing-for-adulthood",
            aliases=("housing", "independent living"),
        ),
        Term(
            40,
            "transition-adult-services",
            "Moving to adult health and care",
            "Planning the move from children's to adult health and social care services.",
            parent="preparing-for-adulthood",
            aliases=("transition to adult services",),
        ),
    ),
)

DELIVERY = Vocab(
    Vocabulary.DELIVERY,
    "How the service is delivered",
    "Whether you go somewhere in person, join online or use the phone.",
    (
        Term(
            0,
            "in-person",
            "In person",
            "You go to a place, or someone visits you, to use the service.",
            aliases=("face to face", "face-to-face", "in-person", "in person"),
        ),
        Term(
            1,
            "online",
            "Online",
            "You use the service on the internet, for example by video call or a website.",
            aliases=("video", "virtual", "web"),
        ),
        Term(
            2,
            "phone",
            "By phone",
            "You use the service by telephone or text.",
            aliases=("telephone", "by phone", "phone", "helpline"),
        ),
    ),
)

ACCESSIBILITY = Vocab(
    Vocabulary.ACCESSIBILITY,
    "Accessibility",
    "Facilities at a location that make it easier for disabled people to visit.",
    (
        Term(
            0,
            "step-free-access",
            "Step-free access",
            "You can get in and around without steps, using ramps or level floors.",
            aliases=("step free", "wheelchair access", "wheelchair accessible"),
        ),
        Term(
            1,
            "accessible-toilet",
            "Accessible toilet",
            "A toilet with room for a wheelchair and grab rails.",
            aliases=("disabled toilet",),
        ),
        Term(
            2,
            "changing-places",
            "Changing Places toilet",
            "A large accessible toilet with a hoist and an adult-sized changing bench.",
            aliases=("changing places",),
        ),
        Term(
            3,
            "hearing-loop",
            "Hearing loop",
            "A hearing loop for people who use hearing aids.",
            aliases=("induction loop", "loop"),
        ),
        Term(4, "lift", "Lift", "A lift to other floors.", aliases=("lifts",)),
        Term(
            5,
            "accessible-parking",
            "Accessible parking",
            "Blue Badge parking spaces close to the entrance.",
            aliases=("disabled parking", "blue badge parking"),
        ),
        Term(
            6,
            "quiet-space",
            "Quiet or sensory space",
            "A calm, low-stimulation room for anyone who needs a break.",
            aliases=("sensory room", "quiet room"),
        ),
        Term(
            7,
            "bsl",
            "British Sign Language",
            "Staff who use British Sign Language, or a BSL interpreter on request.",
            aliases=("british sign language", "sign language"),
        ),
        Term(
            8,
            "easy-read",
            "Easy read information",
            "Information in easy read, with simple words and pictures.",
            aliases=("easy read",),
        ),
        Term(9, "hoist", "Hoist", "A hoist for moving from a wheelchair.", aliases=("hoists",)),
        Term(
            10,
            "accessible-entrance",
            "Wide automatic door",
            "An entrance wide enough for a wheelchair, with a door that opens automatically.",
            aliases=("automatic door", "wide doors"),
        ),
        Term(
            11,
            "large-print-braille",
            "Large print and Braille",
            "Information in large print or Braille on request.",
            aliases=("large print", "braille"),
        ),
        Term(
            12,
            "relaxed-sessions",
            "Relaxed or autism-friendly sessions",
            "Sessions with lower lights and noise, fewer people, and understanding staff.",
            aliases=("autism friendly", "relaxed sessions", "sensory friendly"),
        ),
    ),
)

REFERRAL = Vocab(
    Vocabulary.REFERRAL,
    "How to access the service",
    "Whether you can contact the service yourself or need someone to refer you, and what you need first.",
    (
        Term(
            0,
            "self-referral",
            "You can contact the service yourself",
            "Parents, carers and young people can get in touch directly; no referral is needed.",
            aliases=("self", "self referral", "self-referral", "drop in", "drop-in"),
        ),
        Term(
            1,
            "professional-referral",
            "A professional must refer you",
            "A GP, health visitor, school or other professional needs to refer the child or young person.",
            aliases=("professional", "professional referral", "referral needed", "referral"),
        ),
        Term(
            2,
            "gp-referral",
            "Referral by a GP",
            "Ask your GP to make a referral.",
            aliases=("gp", "gp referral"),
        ),
        Term(
            3,
            "ehc-plan-needed",
            "Education, health and care plan needed",
            "Only for children and young people who have an education, health and care (EHC) plan.",
            aliases=("ehcp needed", "ehcp required", "ehc plan required"),
        ),
        Term(
            4,
            "no-diagnosis-needed",
            "No diagnosis needed",
            "Families can use the service while waiting for an assessment or without a diagnosis.",
            aliases=("no diagnosis required", "pre-diagnosis"),
        ),
        Term(
            5,
            "social-care-assessment",
            "After a social care assessment",
            "Offered after an assessment by the council's children's social care team.",
            aliases=("social care assessment", "assessment needed"),
        ),
    ),
)

VOCABULARIES: tuple[Vocab, ...] = (NEEDS, CATEGORIES, DELIVERY, ACCESSIBILITY, REFERRAL)


def normalise(text: str) -> str:
    """Lower case, '&' as 'and', punctuation as spaces, single spaces: for matching names people type."""
    text = text.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"[^a-z0-9']+", " ", text)
    return " ".join(text.split())


def check_data() -> None:
    """Raise ValueError if the data above breaks its own rules (called by the tests and on load)."""
    for vocab in VOCABULARIES:
        codes = [t.code for t in vocab.terms]
        positions = [t.position for t in vocab.terms]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{vocab.vocabulary}: duplicate codes")
        if len(set(positions)) != len(positions):
            raise ValueError(f"{vocab.vocabulary}: duplicate positions")
        if any(not 0 <= p <= MAX_POSITION for p in positions):
            raise ValueError(f"{vocab.vocabulary}: position out of range 0..{MAX_POSITION}")
        for t in vocab.terms:
            if t.parent and t.parent not in codes:
                raise ValueError(f"{vocab.vocabulary}: {t.code} has unknown parent {t.parent}")
            if not t.description:
                raise ValueError(f"{vocab.vocabulary}: {t.code} has no description")
        seen: dict[str, str] = {}
        for t in vocab.terms:
            for key in {normalise(t.name), normalise(t.code), *(normalise(a) for a in t.aliases)}:
                if seen.setdefault(key, t.code) != t.code:
                    raise ValueError(f"{vocab.vocabulary}: '{key}' names both {seen[key]} and {t.code}")


@transaction.atomic
def ensure_taxonomies() -> dict[str, dict[str, TaxonomyTerm]]:
    """Create or update every taxonomy and term above; safe to run any number of times.

    Rows are only written when something differs, so running it twice changes nothing (and
    `updated_at` only moves when a term really changed). Terms added by editors are left alone.
    Returns {vocabulary: {code: term}}.
    """
    check_data()
    now = timezone.now()
    result: dict[str, dict[str, TaxonomyTerm]] = {}
    for vocab in VOCABULARIES:
        taxonomy = Taxonomy.objects.filter(vocabulary=vocab.vocabulary).first()
        if taxonomy is None:
            taxonomy = Taxonomy.objects.create(
                public_id=stable_id(vocab.vocabulary),
                vocabulary=vocab.vocabulary,
                name=vocab.name,
                description=vocab.description,
                version="1",
            )
        elif (taxonomy.name, taxonomy.description) != (vocab.name, vocab.description):
            taxonomy.name, taxonomy.description, taxonomy.updated_at = vocab.name, vocab.description, now
            taxonomy.save(update_fields=["name", "description", "updated_at"])
        existing = {t.code: t for t in taxonomy.terms.all()}
        terms: dict[str, TaxonomyTerm] = {}
        for spec in vocab.terms:  # parents come before children in the data
            parent = terms[spec.parent] if spec.parent else None
            term = existing.get(spec.code)
            if term is None:
                term = TaxonomyTerm.objects.create(
                    public_id=stable_id(vocab.vocabulary, spec.code),
                    taxonomy=taxonomy,
                    code=spec.code,
                    name=spec.name,
                    description=spec.description,
                    position=spec.position,
                    parent=parent,
                )
            elif (term.name, term.description, term.position, term.parent_id) != (
                spec.name,
                spec.description,
                spec.position,
                parent.pk if parent else None,
            ):
                term.name, term.description, term.position = spec.name, spec.description, spec.position
                term.parent, term.updated_at = parent, now
                term.save(update_fields=["name", "description", "position", "parent", "updated_at"])
            terms[spec.code] = term
        result[vocab.vocabulary] = terms
    return result


def term_matcher(vocabulary: str) -> dict[str, TaxonomyTerm]:
    """{normalised code, name or alias: term} for one vocabulary, for matching what people type.

    Includes terms editors have added in the database (by code and name), not only the built-in ones.
    """
    spec = next((v for v in VOCABULARIES if v.vocabulary == vocabulary), None)
    aliases = {t.code: t.aliases for t in spec.terms} if spec else {}
    matcher: dict[str, TaxonomyTerm] = {}
    for term in TaxonomyTerm.objects.filter(taxonomy__vocabulary=vocabulary).select_related("taxonomy"):
        for key in (term.code, term.name, *aliases.get(term.code, ())):
            matcher.setdefault(normalise(key), term)
    return matcher
