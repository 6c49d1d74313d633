"""The Django app pretix loads for the plugin, with its pretix metadata."""

from django.utils.translation import gettext_lazy as _
from pretix.base.plugins import PluginConfig

from . import __version__


class PluginApp(PluginConfig):
    default = True
    name = "pretix_laminate"
    verbose_name = _("Badges (laminate)")

    class PretixPluginMeta:
        name = _("Badges (laminate)")
        author = "the laminate developers"
        version = __version__
        category = "FORMAT"
        visible = True
        compatibility = "pretix>=2026.8"
        description = _(
            "Print your badge layouts with laminate: attendee names in every script "
            "(Arabic, Hebrew, Chinese, Thai, Devanagari...), bleed and crop marks for "
            "print shops, PDF/X-4, and laminate's card stocks. Adds the export "
            '"Attendee badges (laminate)"; the layouts are those of the Badges plugin.'
        )

    def ready(self):
        from . import signals  # noqa: F401
