"""Per-language fields (name_fi, name_en, …) of the questionnaire content (modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Area, AreaLevel, MaturityLevel, Option, Question, QuestionnaireVersion


@register(QuestionnaireVersion)
class QuestionnaireVersionTranslation(TranslationOptions):
    fields = ("title",)


@register(MaturityLevel)
class MaturityLevelTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Area)
class AreaTranslation(TranslationOptions):
    fields = ("name", "intro")


@register(AreaLevel)
class AreaLevelTranslation(TranslationOptions):
    fields = ("description", "recommendations")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "tip")


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("text",)
