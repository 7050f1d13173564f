"""The stored benchmark distributions, what each result contributed to them, and retake series.

A Distribution holds one comparison group's scores in one area (or overall) of one questionnaire
version as a histogram, plus the running sums that give Cronbach's alpha: a results page reads
one row per area instead of every assessment. An Entry records exactly what one result added, so
that a deletion or a change takes away exactly that (receivers.py, services.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Assessment, QuestionnaireVersion

# The area key of the overall score: area codes start with a letter, so it never collides.
OVERALL = ""


class Group(models.TextChoices):
    """The comparison groups a respondent can pick; a segment is one industry or size."""

    EVERYONE = "all", _("All organisations")
    INDUSTRY = "industry", _("The same industry")
    SIZE = "size", _("The same size")


class Distribution(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("questionnaire version"),
    )
    group = models.CharField(_("comparison group"), max_length=10, choices=Group.choices)
    # The industry or size code; empty for everyone.
    segment = models.CharField(_("segment"), max_length=20, blank=True)
    # The area code; OVERALL ("") for the overall score.
    area = models.CharField(_("area"), max_length=30, blank=True)
    count = models.PositiveIntegerField(_("organisations"), default=0)
    # figures.BIN_COUNT counts, one per tenth of a point.
    histogram = models.JSONField(_("score histogram"), default=list)
    # figures.ItemMoments of the complete responses (every question answered).
    moments = models.JSONField(_("item moments"), default=dict)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("benchmark distribution")
        verbose_name_plural = _("benchmark distributions")
        ordering = ["version", "group", "segment", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "group", "segment", "area"], name="one_distribution_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(group="all", segment="") | ~models.Q(group="all"),
                name="everyone_has_no_segment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.group}:{self.segment} {self.area or 'overall'}"


class Entry(models.Model):
    """What one completed result added to the distributions; deleted with its assessment."""

    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="benchmark_entry",
    )
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="+")
    industry = models.CharField(max_length=20, blank=True)
    size = models.CharField(max_length=10, blank=True)
    # Area code (OVERALL for the overall score) → score, for areas that have one.
    scores = models.JSONField(default=dict)
    # Area code (OVERALL for all questions) → the answers in question order, for areas whose
    # every question has a value (the complete responses that alpha is computed over).
    items = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("benchmark entry")
        verbose_name_plural = _("benchmark entries")

    def __str__(self) -> str:
        return f"#{self.assessment_id}"


class Series(models.Model):
    """An organisation's results over time: the first test and every retake started from it."""

    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("series of results")
        verbose_name_plural = _("series of results")

    def __str__(self) -> str:
        return f"#{self.pk}"


class SeriesMember(models.Model):
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, primary_key=True, related_name="series_member"
    )
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="members")
    # The result it was started from: one retake per result, so that a retake pressed twice at
    # once starts one test (the unique constraint holds where the row lock cannot, on SQLite).
    retake_of = models.OneToOneField(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retake",
    )

    class Meta:
        verbose_name = _("member of a series")
        verbose_name_plural = _("members of a series")

    def __str__(self) -> str:
        return f"#{self.assessment_id} in #{self.series_id}"
