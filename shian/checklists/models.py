"""The checklist engine's tables: versioned checklists with their items, and the abstract bases a module's
signed records build on (see the package docstring for how a module plugs in).

`Checklist` and `ChecklistItem` keep the tables they were created with (`visits_checklist`,
`visits_checklistitem`): the engine was lifted out of the visits app without moving a row."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import kind_choices


class Severity(models.TextChoices):
    KEY = "key", _("重点项")
    GENERAL = "general", _("一般项")


class Checklist(models.Model):
    """One version of a checklist for a kind and region (blank region = the province defaults).

    Versions are never edited: a change is a new version, and a record keeps the version it was filled on.
    The kinds are registered by the modules that use checklists (`shian.checklists.kinds`)."""

    kind = models.CharField(_("检查表类型"), max_length=20, choices=kind_choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=100)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        db_table = "visits_checklist"
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region", "version"], name="checklist_kind_region_version"),
            models.UniqueConstraint(
                fields=["kind", "version"], condition=models.Q(region__isnull=True), name="checklist_default_version"
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("检查类别"), max_length=50)
    text = models.CharField(_("检查内容"), max_length=300)
    severity = models.CharField(_("项目类型"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    guidance = models.CharField(_("检查要点"), max_length=500, blank=True)

    class Meta:
        db_table = "visits_checklistitem"
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "position"], name="checklist_item_position")]

    def __str__(self):
        return f"{self.position}. {self.text}"


# -- the abstract bases of a module's signed records ----------------------------------------------------------


class Locked(models.Model):
    """Rows of a signed record: written once, then only read (corrections are addenda)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("a signed record is locked; add an addendum instead")
        super().save(*args, **kwargs)


class SignedRecord(Locked):
    """A checklist filled and signed on one occasion. It exists only once signed (the phone keeps the draft
    until then); `client_key` makes a resend from the offline outbox return the record already stored.
    A module adds what the record is about (entity, who, where) and its own Meta."""

    client_key = models.UUIDField(_("提交编号"), unique=True, default=uuid.uuid4, editable=False)
    checklist = models.ForeignKey(Checklist, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("开始时间"))
    signed_at = models.DateTimeField(_("签字时间"))
    received_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    signer_name = models.CharField(_("签字人"), max_length=50)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def minutes(self) -> float:
        return (self.signed_at - self.started_at).total_seconds() / 60


class Result(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class SignedAnswer(Locked):
    """One item's answer on a signed record. A module adds the foreign key to its record (and the unique
    constraint record + item)."""

    Result = Result

    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=4, choices=Result.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.item_id}: {self.result}"


class RecordAddendum(models.Model):
    """A correction to a signed record: the record stays as signed, the addendum says what was wrong.
    A module adds the foreign key to its record."""

    text = models.TextField(_("补充说明"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]


class StoredFile(models.Model):
    """A photo or file. `file` is the copy anyone with access sees (images downscaled, EXIF and GPS removed);
    `original` keeps the upload as taken, for the regulator. A module adds what the file belongs to and may
    redeclare `file`/`original` with its own `upload_to`; `services.store_file` fills one from an upload."""

    file = models.FileField(_("文件"), upload_to="checklists/%Y/%m/")
    original = models.FileField(_("原始文件"), upload_to="checklists/original/%Y/%m/", blank=True)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
