from django import template

from shian.core import pii

register = template.Library()
register.filter("mask_phone", pii.mask_phone)
register.filter("mask_id", pii.mask_id_number)
