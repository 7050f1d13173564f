"""The questionnaire's versioned content and the assessments taken on it.

A questionnaire version owns all of its content. Once a published version has responses it is
frozen: every content model refuses to be saved or deleted, so an old result can always be
reproduced from the exact texts and weights it was scored on. A change is a new version.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import result_format, scoring

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

VALUE_VALIDATORS = [MinValueValidator(min(scoring.LEVELS)), MaxValueValidator(max(scoring.LEVELS))]
WEIGHT_VALIDATORS = [
    MinValueValidator(scoring.MIN_WEIGHT),
    MaxValueValidator(scoring.MAX_WEIGHT),
]


# Stored results are keyed by area code (result_format), so a code must work as a JSON key in
# database lookups: not digits alone (read as a list index), no "__" (a lookup separator).
AREA_CODE_VALIDATOR = RegexValidator(
    r"^[a-z](?:[a-z0-9-]|_(?!_))*$",
    _("Start with a letter; use lowercase letters, digits, hyphens and single underscores."),
)


class FrozenContentError(ValidationError):
    """Raised when a change would rewrite content that existing responses were scored on."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This questionnaire version is published and has responses, so it cannot be "
                "changed. Make a new version instead."
            ),
            code="frozen",
        )


class QuestionnaireVersionQuerySet(models.QuerySet["QuestionnaireVersion"]):
    def published(self) -> QuestionnaireVersionQuerySet:
        return self.filter(status=QuestionnaireVersion.Status.PUBLISHED)

    def newest_published_first(self) -> QuestionnaireVersionQuerySet:
        return self.published().order_by("-published_at", "-pk")

    def current(self) -> QuestionnaireVersion | None:
        """The version that new tests are taken on: the most recently published one."""
        return self.newest_published_first().first()

    def frozen(self) -> QuestionnaireVersionQuerySet:
        """Published versions with responses: their content may no longer change."""
        return self.published().filter(Exists(Assessment.objects.filter(version=OuterRef("pk"))))

    def update(self, **kwargs: object) -> int:
        _refuse_if_any_frozen(self, "pk")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse_if_any_frozen(self, "pk")
        return super().delete()


if TYPE_CHECKING:
    QuestionnaireVersionManager = models.Manager.from_queryset(QuestionnaireVersionQuerySet)


class QuestionnaireVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    label = models.CharField(_("version"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        blank=True,
        help_text=_("Fingerprint of the fixture this version was loaded from."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    content_revision = models.PositiveIntegerField(
        _("content revision"),
        default=0,
        editable=False,
        help_text=_("Increases whenever the version or its content changes; keys cached content."),
    )
    # Questionnaire 2026.2 on: "not applicable" beside "don't know", and a glossary of terms.
    offers_not_applicable = models.BooleanField(
        _("offers “not applicable”"),
        default=False,
        help_text=_("Whether each question can be answered “Not applicable”."),
    )
    glossary = models.JSONField(
        _("glossary"),
        default=list,
        blank=True,
        help_text=_("The terms the questions use, each with its explanation in every language."),
    )

    objects: ClassVar[QuestionnaireVersionManager[QuestionnaireVersion]] = (
        QuestionnaireVersionQuerySet.as_manager()
    )
    _default_manager: ClassVar[QuestionnaireVersionManager[QuestionnaireVersion]]

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_version_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_frozen and _differs(stored, self):
                raise FrozenContentError()
        self.content_revision += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [*kwargs["update_fields"], "content_revision"]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_frozen:
            raise FrozenContentError()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_frozen(self) -> bool:
        """True once a published version has responses: its content may no longer change."""
        return bool(self.pk) and self.is_published and self.assessments.exists()

    def publish(self) -> None:
        if not self.is_published:
            self.status = self.Status.PUBLISHED
            self.published_at = timezone.now()
            self.save(update_fields=["status", "published_at"])


def _content_changed(version_ids: Iterable[int]) -> None:
    """Mark the versions' content as changed, so that no cache serves the old one."""
    # The base manager: a plain update, the freeze having been checked by the caller.
    QuestionnaireVersion._base_manager.filter(pk__in=list(version_ids)).update(
        content_revision=F("content_revision") + 1
    )


def _refuse_if_any_frozen(queryset: models.QuerySet, version_path: str) -> None:
    # Bulk writes skip save() and delete(), so they check the freeze here, in one query.
    frozen = QuestionnaireVersion.objects.frozen()
    if queryset.filter(**{f"{version_path}__in": frozen}).exists():
        raise FrozenContentError()


def _differs(stored: models.Model, current: models.Model) -> bool:
    return any(
        getattr(stored, f.attname) != getattr(current, f.attname)
        for f in current._meta.concrete_fields
    )


_ContentT = TypeVar("_ContentT", bound="VersionedContent")


class VersionedContentQuerySet(models.QuerySet[_ContentT]):
    """Bulk updates and deletes refuse frozen content, as single saves and deletes do."""

    def update(self, **kwargs: object) -> int:
        _refuse_if_any_frozen(self, self.model.VERSION_PATH)
        versions = self._version_ids()
        updated = super().update(**kwargs)
        _content_changed(versions)
        return updated

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse_if_any_frozen(self, self.model.VERSION_PATH)
        versions = self._version_ids()
        deleted = super().delete()
        _content_changed(versions)
        return deleted

    def bulk_create(self, objs: Iterable[_ContentT], *args: Any, **kwargs: Any) -> list[_ContentT]:
        created = super().bulk_create(objs, *args, **kwargs)
        # Through the first foreign key of VERSION_PATH: one query, not one per object.
        first, _, rest = self.model.VERSION_PATH.partition("__")
        parents = {getattr(obj, f"{first}_id") for obj in created}
        if rest:
            parent_model = self.model._meta.get_field(first).related_model
            if not (isinstance(parent_model, type) and issubclass(parent_model, models.Model)):
                raise TypeError(f"{self.model.VERSION_PATH} does not lead to a model")
            parents = set(
                parent_model._base_manager.filter(pk__in=parents).values_list(rest, flat=True)
            )
        _content_changed(parents)
        return created

    def _version_ids(self) -> set[int]:
        return set(self.order_by().values_list(self.model.VERSION_PATH, flat=True).distinct())


if TYPE_CHECKING:
    VersionedContentManager = models.Manager.from_queryset(VersionedContentQuerySet)


class VersionedContent(models.Model):
    """Content that belongs to one questionnaire version and freezes with it."""

    # The lookup from the content to its QuestionnaireVersion.
    VERSION_PATH = "version"

    objects = VersionedContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_frozen()
        super().save(*args, **kwargs)
        _content_changed([self.get_version().pk])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_frozen()
        version = self.get_version().pk
        deleted = super().delete(*args, **kwargs)
        _content_changed([version])
        return deleted

    def clean(self) -> None:
        super().clean()
        self._refuse_if_frozen()

    def get_version(self) -> QuestionnaireVersion:
        raise NotImplementedError

    def _refuse_if_frozen(self) -> None:
        if self.get_version().is_frozen:
            raise FrozenContentError()

    def texts(self, field: str) -> dict[str, str]:
        """Language code → this field's text, the default language's where one is missing."""
        default = getattr(self, f"{field}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}") or ""
        return {
            language: getattr(self, f"{field}_{language}") or default
            for language in settings.MODELTRANSLATION_LANGUAGES
        }


class MaturityLevel(VersionedContent):
    """A level's name and what it means overall, e.g. 3 = Systematic."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=VALUE_VALIDATORS)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"))

    objects: ClassVar[VersionedContentManager[MaturityLevel]]
    _default_manager: ClassVar[VersionedContentManager[MaturityLevel]]

    class Meta:
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        ordering = ["version", "level"]
        constraints = [
            models.UniqueConstraint(fields=["version", "level"], name="unique_level_per_version"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.level} – {self.name}"

    def get_version(self) -> QuestionnaireVersion:
        return self.version


class Area(VersionedContent):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="areas"
    )
    code = models.SlugField(_("code"), max_length=30, validators=[AREA_CODE_VALIDATOR])
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True)

    objects: ClassVar[VersionedContentManager[Area]]
    _default_manager: ClassVar[VersionedContentManager[Area]]

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_area_code"),
            models.UniqueConstraint(fields=["version", "order"], name="unique_area_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_version(self) -> QuestionnaireVersion:
        return self.version


class AreaLevel(VersionedContent):
    """What a level means in one area, and what to do next to reach the following level."""

    VERSION_PATH = "area__version"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="level_texts")
    level = models.PositiveSmallIntegerField(_("level"), validators=VALUE_VALIDATORS)
    description = models.TextField(_("description"))
    recommendations = models.TextField(
        _("recommendations"), help_text=_("One concrete action per line.")
    )

    objects: ClassVar[VersionedContentManager[AreaLevel]]
    _default_manager: ClassVar[VersionedContentManager[AreaLevel]]

    class Meta:
        verbose_name = _("area level text")
        verbose_name_plural = _("area level texts")
        ordering = ["area", "level"]
        constraints = [
            models.UniqueConstraint(fields=["area", "level"], name="unique_area_level"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="area_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} – {self.level}"

    def get_version(self) -> QuestionnaireVersion:
        return self.area.version

    @property
    def recommendation_list(self) -> list[str]:
        return [line.strip() for line in self.recommendations.splitlines() if line.strip()]


class Question(VersionedContent):
    VERSION_PATH = "area__version"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT_VALIDATORS)
    text = models.TextField(_("question"))
    tip = models.TextField(_("improvement tip"))
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    source = models.CharField(_("source texts"), max_length=100, blank=True)

    objects: ClassVar[VersionedContentManager[Question]]
    _default_manager: ClassVar[VersionedContentManager[Question]]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["area__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="unique_question_code"),
            models.UniqueConstraint(fields=["area", "order"], name="unique_question_order"),
            models.CheckConstraint(
                condition=Q(weight__gte=scoring.MIN_WEIGHT, weight__lte=scoring.MAX_WEIGHT),
                name="question_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    def get_version(self) -> QuestionnaireVersion:
        return self.area.version


class Option(VersionedContent):
    """One behaviourally anchored answer: what practice at maturity level `value` looks like."""

    VERSION_PATH = "question__area__version"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    value = models.PositiveSmallIntegerField(_("value"), validators=VALUE_VALIDATORS)
    text = models.TextField(_("text"))

    objects: ClassVar[VersionedContentManager[Option]]
    _default_manager: ClassVar[VersionedContentManager[Option]]

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "value"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="unique_option_value"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="option_value_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.text}"

    def get_version(self) -> QuestionnaireVersion:
        return self.question.area.version


def new_token() -> str:
    # 32 url-safe characters = 192 random bits: the only key to a respondent's results.
    return secrets.token_urlsafe(24)


TOKEN_SELECTOR_LENGTH = 8


_RowT = TypeVar("_RowT", bound=models.Model)


def find_by_token(queryset: models.QuerySet[_RowT], field: str, token: str) -> _RowT | None:
    """The row whose private token in `field` this is, compared in constant time.

    The database narrows the search by the token's first characters only; the whole token is
    then compared with compare_digest, so response times reveal nothing about the rest.
    """
    if not is_token_shaped(token):
        return None
    for candidate in token_candidates(queryset, field, token[:TOKEN_SELECTOR_LENGTH]):
        if tokens_match(getattr(candidate, field), token):
            return candidate
    return None


def is_token_shaped(token: object) -> bool:
    """Whether `token` can be a private token at all (anything else is looked up nowhere)."""
    return isinstance(token, str) and 32 <= len(token) <= 64


def tokens_match(stored: object, token: str) -> bool:
    """The whole token compared in constant time (see `find_by_token`)."""
    return secrets.compare_digest(str(stored).encode(), token.encode())


def token_candidates(
    queryset: models.QuerySet[_RowT], field: str, prefix: str
) -> models.QuerySet[_RowT]:
    """The rows whose token in `field` starts with `prefix`, through the token's index."""
    if connections[queryset.db].vendor == "sqlite":
        # SQLite's LIKE ignores case and so never uses the token's index (a scan of every row per
        # page view); a range over the binary-ordered index finds the same rows, as tokens are
        # URL-safe base64 and every such character sorts below "~".
        candidates = queryset.filter(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "~"})
    else:
        candidates = queryset.filter(**{f"{field}__startswith": prefix})  # the pattern index
    # No ordering: at most a few rows share a prefix, and sorting them cost the cached PDF's
    # download a tenth of its time in building the query.
    return candidates.order_by()


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def by_token(self, token: str) -> Assessment | None:
        """The assessment whose private token this is (see `find_by_token`)."""
        return find_by_token(self, "token", token)

    def completed(self) -> AssessmentQuerySet:
        return self.filter(completed_at__isnull=False)

    def in_progress(self) -> AssessmentQuerySet:
        return self.filter(completed_at__isnull=True)

    def abandoned(self, now: datetime | None = None) -> AssessmentQuerySet:
        """Unfinished tests with no answer saved for ABANDONED_AFTER: the respondent left."""
        return self.inactive_since((now or timezone.now()) - ABANDONED_AFTER)

    def still_answering(self, now: datetime | None = None) -> AssessmentQuerySet:
        """Unfinished tests whose respondent saved something within ABANDONED_AFTER."""
        cutoff = (now or timezone.now()) - ABANDONED_AFTER
        return self.in_progress().filter(last_active_at__gte=cutoff)

    def inactive_since(self, moment: datetime) -> AssessmentQuerySet:
        """Unfinished tests whose respondent has saved nothing since `moment`."""
        return self.in_progress().filter(last_active_at__lt=moment)

    def leads(self) -> AssessmentQuerySet:
        """Completed tests whose respondent agreed to be contacted: a consultant's leads."""
        return self.completed().filter(consent_to_contact=True)

    def demo(self) -> AssessmentQuerySet:
        return self.filter(is_demo=True)

    def real(self) -> AssessmentQuerySet:
        return self.filter(is_demo=False)


# An unfinished test untouched for this long counts as abandoned rather than in progress.
ABANDONED_AFTER = timedelta(hours=24)


class FollowUpStatus(models.TextChoices):
    """Where a consultant's conversation with the respondent stands."""

    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    MEETING_BOOKED = "meeting_booked", _("Meeting booked")
    CLIENT = "client", _("Client")
    NOT_INTERESTED = "not_interested", _("Not interested")


CONSENT_NEEDS_EMAIL = _(
    "Enter your email address so that we can contact you, or untick the consent to be contacted."
)


class Assessment(models.Model):
    """One organisation's run through the test, on one exact questionnaire version."""

    class Industry(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional and expert services")
        IT = "it", _("IT and software")
        FINANCE = "finance", _("Finance and insurance")
        INDUSTRY = "industry", _("Manufacturing and industry")
        RETAIL = "retail", _("Retail and consumer services")
        HEALTH = "health", _("Health and social services")
        PUBLIC = "public", _("Public sector")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 employees")
        SMALL = "10-49", _("10–49 employees")
        MEDIUM = "50-249", _("50–249 employees")
        LARGE = "250-999", _("250–999 employees")
        XLARGE = "1000+", _("1,000 or more employees")

    class Role(models.TextChoices):
        EXECUTIVE = "executive", _("Executive or owner")
        MANAGER = "manager", _("Manager or team lead")
        CX = "cx", _("Customer experience, marketing or sales")
        SPECIALIST = "specialist", _("Specialist or customer-facing staff")
        OTHER = "other", _("Other")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("questionnaire version"),
    )
    language = models.CharField(_("language"), max_length=8, default="fi")
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    # Apart from updated_at, which a consultant's edit in the admin moves too: an unfinished test
    # is abandoned, and later deleted, by how long its respondent has been away.
    last_active_at = models.DateTimeField(
        _("respondent last active"),
        default=timezone.now,
        editable=False,
        db_index=True,
        help_text=_("When the respondent last saved an answer or their background details."),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, db_index=True)
    last_step = models.PositiveSmallIntegerField(
        _("last step saved"), default=0, help_text=_("Steps: 1–3 areas, 4 background.")
    )

    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    size = models.CharField(_("organisation size"), max_length=10, choices=Size.choices, blank=True)
    role = models.CharField(_("respondent's role"), max_length=20, choices=Role.choices, blank=True)
    email = models.EmailField(_("email"), blank=True)
    consent_to_contact = models.BooleanField(_("consent to contact"), default=False)
    # What the respondent agreed to, and when: the wording shown at that moment, in their language.
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_wording = models.TextField(_("consent wording"), blank=True, editable=False)
    # "Ask us to contact you" after seeing the result: the hottest kind of lead.
    contact_requested_at = models.DateTimeField(
        _("contact requested"), null=True, blank=True, db_index=True
    )

    # Where the respondent came from, captured once at start from the landing URL: the campaign
    # (utm_*) and the referring site's host only, never a full referring URL.
    utm_source = models.CharField(_("campaign source"), max_length=100, blank=True, db_index=True)
    utm_medium = models.CharField(_("campaign medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    referrer_host = models.CharField(_("referring site"), max_length=253, blank=True)

    result = models.JSONField(_("result"), null=True, blank=True, editable=False)
    result_revision = models.PositiveIntegerField(
        _("result revision"),
        default=0,
        editable=False,
        help_text=_("Increases whenever the stored result changes; keys cached reports."),
    )

    # Follow-up: the consultants' own fields, never shown to the respondent.
    follow_up_status = models.CharField(
        _("follow-up status"),
        max_length=20,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NEW,
        db_index=True,
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_assessments",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name=_("assigned consultant"),
    )
    next_contact_on = models.DateField(_("next contact date"), null=True, blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Seen only by consultants.")
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        editable=False,
        db_index=True,
        help_text=_("Generated by manage.py seed_demo for demonstrations and benchmarks."),
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at"]
        constraints = [
            # Contact details are kept only with explicit consent (GDPR).
            models.CheckConstraint(
                condition=Q(email="") | Q(consent_to_contact=True),
                name="email_requires_consent",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(result__isnull=False),
                name="completed_assessment_has_result",
            ),
        ]

    def __str__(self) -> str:
        # The id, never a piece of the private token: this name appears in the admin and its log.
        return self.organisation or f"#{self.pk}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    def clean(self) -> None:
        super().clean()
        if self.email and not self.consent_to_contact:
            raise ValidationError(
                {"consent_to_contact": _("To give your email, tick the consent to be contacted.")}
            )
        # A consent to be contacted is worthless without an address to contact.
        if self.consent_to_contact and not self.email:
            raise ValidationError({"email": CONSENT_NEEDS_EMAIL})

    @property
    def stored_result(self) -> scoring.AssessmentResult | None:
        return result_format.load(self.result) if self.result else None


class Answer(models.Model):
    """A respondent's choice for one question; no option means "don't know", or "not applicable"
    when so marked."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    answered_at = models.DateTimeField(auto_now=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__area__order", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | Q(option__isnull=True),
                name="not_applicable_answer_has_no_option",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value if self.value else '–'}"

    @property
    def value(self) -> int | None:
        return self.option.value if self.option_id and self.option else None

    def clean(self) -> None:
        super().clean()
        if self.option_id and self.option and self.option.question_id != self.question_id:
            raise ValidationError({"option": _("This option belongs to another question.")})
        if self.not_applicable and self.option_id:
            raise ValidationError({"option": _("A “not applicable” answer has no option.")})
        if self.not_applicable and not self.assessment.version.offers_not_applicable:
            raise ValidationError(
                {"not_applicable": _("This questionnaire version has no “not applicable”.")}
            )
        if self.question.area.version_id != self.assessment.version_id:
            raise ValidationError(
                {"question": _("This question is not part of the assessment's version.")}
            )


class AreaCommentQuerySet(models.QuerySet["AreaComment"]):
    def texts_by_area(self, assessment: Assessment) -> dict[int, str]:
        """Area id → the consultant's comment on that area of this assessment."""
        return dict(self.filter(assessment=assessment).values_list("area_id", "text"))

    def by_area(self, assessment: Assessment) -> dict[int, AreaComment]:
        """Area id → the consultant's comment on that area, with its signature."""
        return {comment.area_id: comment for comment in self.filter(assessment=assessment)}

    def store_texts(self, assessment: Assessment, texts: Mapping[Area, str]) -> None:
        """Keep one comment per area; an empty text removes the area's comment."""
        for area, text in texts.items():
            if area.version_id != assessment.version_id:
                raise ValueError(f"area {area.code} is not part of the assessment's version")
            text = text.strip()
            if text:
                self.update_or_create(assessment=assessment, area=area, defaults={"text": text})
            else:
                self.filter(assessment=assessment, area=area).delete()


class AreaComment(models.Model):
    """A consultant's own words on one area of an assessment, printed in that area's section of
    the PDF report beside the automatic recommendations."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="area_comments",
        verbose_name=_("assessment"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="comments", verbose_name=_("area")
    )
    text = models.TextField(_("consultant's comment"))
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    # The signature printed under the comment: who wrote its current text (the name as it was
    # then, so that a later rename or a deleted account leaves a printed report unchanged).
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(_("signature"), max_length=150, blank=True)

    objects = AreaCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultant's comment")
        verbose_name_plural = _("consultant's comments")
        ordering = ["assessment", "area__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "area"], name="one_comment_per_assessment_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.area}"

    def clean(self) -> None:
        super().clean()
        if self.area.version_id != self.assessment.version_id:
            raise ValidationError({"area": _("This area is not part of the assessment's version.")})

    def sign(self, user: AbstractBaseUser) -> None:
        """Sign the comment's current text as `user`, by the name they go by now."""
        self.signed_by = user  # type: ignore[assignment]  # the project's user model
        full_name = getattr(user, "get_full_name", lambda: "")()
        self.signer_name = (full_name or user.get_username())[:150]
