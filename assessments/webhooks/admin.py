"""Endpoints and the outbox in the admin: what was sent where, what failed, and "resend"."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import EventType, WebhookEndpoint, WebhookMessage


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"size": 60}),
        help_text=_("A public HTTPS address; private and local addresses are refused."),
    )
    events = forms.MultipleChoiceField(
        label=capfirst(_("events")),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this endpoint is told about."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active", "secret"]
        widgets = {"secret": forms.TextInput(attrs={"size": 60, "autocomplete": "off"})}


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "event_names", "is_active", "created_at"]
    list_filter = ["is_active"]

    @admin.display(description=_("events"))
    def event_names(self, endpoint: WebhookEndpoint) -> str:
        labels = dict(EventType.choices)
        return ", ".join(str(labels.get(event, event)) for event in endpoint.events)


@admin.register(WebhookMessage)
class WebhookMessageAdmin(admin.ModelAdmin):
    list_display = [
        "webhook_id",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["webhook_id"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    shown = (
        "webhook_id",
        "endpoint",
        "event_type",
        "assessment_id",
        "status",
        "attempts",
        "created_at",
        "retrying_since",
        "next_attempt_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "formatted_payload",
    )
    fields = shown
    readonly_fields = shown

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("payload"))
    def formatted_payload(self, message: WebhookMessage) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(message.payload, indent=2, ensure_ascii=False)
        )

    @admin.action(description=_("Resend the selected messages"), permissions=["view"])
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookMessage]) -> None:
        count = services.messages_resend(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
