"""Storage building blocks and the architectures composed from them (one block per tier)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .validation import KINDS, NON_STORAGE_KINDS, PER_NODE_TIERS, PRICE_BASES, TIERS


class Block(models.Model):
    """One purchasable unit with its per-unit figures; every figure carries its sources."""

    id = models.CharField(primary_key=True, max_length=80)
    kind = models.CharField(max_length=20, choices=[(k, k.replace("_", " ")) for k in KINDS])
    name = models.CharField(max_length=200)
    capacity_bytes = models.BigIntegerField()
    usable_fraction = models.FloatField(help_text="usable ÷ raw after protection overhead")
    usable_basis = models.TextField(blank=True)
    family = models.CharField(max_length=80, blank=True, default="", help_text="size points of one product class")
    label = models.CharField(max_length=200, blank=True, default="", help_text="short class name for option names")
    reference_product = models.CharField(max_length=200, blank=True, default="")
    read_bytes_per_s = models.FloatField(null=True, blank=True, help_text="empty = gap")
    write_bytes_per_s = models.FloatField(null=True, blank=True, help_text="empty = gap")
    iops = models.FloatField(null=True, blank=True, help_text="4 KiB random read; empty = gap")
    metadata_ops_per_s = models.FloatField(null=True, blank=True, help_text="file creates/opens per s; empty = gap")
    latency_s = models.FloatField(null=True, blank=True, help_text="empty = gap")
    rack_units = models.FloatField(null=True, blank=True)
    power_w = models.FloatField(null=True, blank=True)
    accelerators_supported = models.PositiveIntegerField(null=True, blank=True, help_text="MLPerf Storage result")
    price_usd = models.FloatField(null=True, blank=True, help_text="empty = no public price")
    price_date = models.DateField(null=True, blank=True)
    price_is_estimate = models.BooleanField(default=True)
    price_basis = models.CharField(max_length=20, choices=[(b, b.replace("_", " ")) for b in PRICE_BASES],
                                   default="unknown")
    price_year = models.PositiveIntegerField(null=True, blank=True)
    price_source = models.TextField(blank=True, default="")
    support_fraction_per_year = models.FloatField(null=True, blank=True)
    per_node = models.BooleanField(default=False, help_text="goes into each GPU server (DAS, DRAM, CXL)")
    max_units_per_node = models.PositiveIntegerField(null=True, blank=True)
    max_units = models.PositiveIntegerField(null=True, blank=True, help_text="largest system size; empty = no limit")
    min_units = models.PositiveIntegerField(null=True, blank=True, help_text="HA pair, minimum cluster size")
    min_units_basis = models.TextField(blank=True, default="")
    protection = models.CharField(max_length=40, default="none", help_text="none | ec:K+M | replica:N | within_unit:X")
    rebuild_bytes_per_s = models.FloatField(null=True, blank=True, help_text="empty = gap")
    network_port_block = models.CharField(max_length=80, blank=True, default="")
    network_ports = models.PositiveIntegerField(default=0)
    ports_included_in_price = models.BooleanField(
        default=False, help_text="the unit price already includes its storage-network ports (NICs)")
    switch_ports = models.PositiveIntegerField(null=True, blank=True)
    derating = models.FloatField(default=1.0)
    derating_basis = models.TextField(blank=True)
    figure_sources = models.JSONField(default=dict, blank=True)
    sources = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self):
        return self.name


class Architecture(models.Model):
    id = models.CharField(primary_key=True, max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class ArchitectureTier(models.Model):
    """Which block holds one tier of an architecture."""

    architecture = models.ForeignKey(Architecture, on_delete=models.CASCADE, related_name="tiers")
    tier = models.CharField(max_length=20, choices=[(t, t.replace("_", " ")) for t in TIERS])
    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="architecture_tiers")

    class Meta:
        ordering = ["architecture", "tier"]
        constraints = [models.UniqueConstraint(fields=["architecture", "tier"], name="one_block_per_tier")]

    def __str__(self):
        return f"{self.architecture_id}: {self.tier} → {self.block_id}"

    def clean(self):
        """The same rule as validation.architecture_errors: the block must be able to hold the tier."""
        block = Block.objects.filter(pk=self.block_id).first()
        if block is None:
            return
        if block.kind in NON_STORAGE_KINDS:
            raise ValidationError({"block": f"a {block.kind.replace('_', ' ')} cannot hold a tier"})
        if block.per_node and self.tier not in PER_NODE_TIERS:
            raise ValidationError({"block": f"a per-node block can only hold {' or '.join(sorted(PER_NODE_TIERS))}"})


class CatalogVersion(models.Model):
    """One row whose token every catalog write replaces (recommender/catalog/snapshot.py), so each
    process (web workers, Celery) can tell with one primary-key read that its snapshot is stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"catalog version {self.token}"


class Quote(models.Model):
    """A vendor quote one user imported: it replaces the estimate in that user's proposals only."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="storage_quotes")
    block_id = models.CharField(max_length=80, help_text="a catalog block, or the id of the new block below")
    block = models.JSONField(null=True, blank=True, help_text="the quoted unit's block row when it is new")
    unit_price_usd = models.FloatField()
    valid_until = models.DateField()
    vendor_ref = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner", "block_id"]
        constraints = [models.UniqueConstraint(fields=["owner", "block_id"], name="one_quote_per_block_and_owner")]

    def __str__(self):
        return f"{self.block_id}: ${self.unit_price_usd:,.0f} ({self.vendor_ref})"
