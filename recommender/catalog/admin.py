"""Admin for the catalog: edit blocks, architectures and quotes; every save goes through the same checks."""
import datetime

from django import forms
from django.contrib import admin

from . import validation
from .models import Architecture, ArchitectureTier, Block, Quote


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = "__all__"

    def clean(self):
        data = super().clean()
        row = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
        row["id"] = row.get("id") or getattr(self.instance, "id", None)
        _, errors = validation.block_clean(row)
        for field, message in errors.items():
            if field in self.fields:
                self.add_error(field, message)
        return data


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    form = BlockForm
    list_display = ("id", "kind", "name", "capacity_bytes", "read_bytes_per_s", "write_bytes_per_s",
                    "price_usd", "price_is_estimate", "price_date")
    list_filter = ("kind", "per_node", "price_is_estimate")
    search_fields = ("id", "name")


class ArchitectureTierInline(admin.TabularInline):
    model = ArchitectureTier
    extra = 0


@admin.register(Architecture)
class ArchitectureAdmin(admin.ModelAdmin):
    list_display = ("id", "name")
    search_fields = ("id", "name")
    inlines = [ArchitectureTierInline]


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = ["owner", "block_id", "unit_price_usd", "valid_until", "vendor_ref", "block"]

    def clean(self):
        data = super().clean()
        row = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
        from .quotes import known_block_ids

        _, errors = validation.quote_clean(row, known_block_ids(), datetime.date.today())
        for field, message in errors.items():
            self.add_error(field if field in self.fields else "block", message)
        return data


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    form = QuoteForm
    list_display = ("block_id", "owner", "unit_price_usd", "valid_until", "vendor_ref")
    list_filter = ("owner",)
    search_fields = ("block_id", "vendor_ref")
