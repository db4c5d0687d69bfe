from django import forms
from django.utils.translation import gettext_lazy as _

from .importers import IMPORTERS
from .models import ImportBatch


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("台账类型"), choices=[c for c in ImportBatch.Kind.choices if c[0] in IMPORTERS])
    mode = forms.ChoiceField(
        label=_("导入方式"), choices=ImportBatch.Mode.choices, initial=ImportBatch.Mode.COMMIT, widget=forms.RadioSelect
    )
    file = forms.FileField(label=_("台账文件"), help_text=_("xlsx、xls 或 csv（UTF-8 / GBK），不超过 50 MB"))
