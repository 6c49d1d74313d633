"""pretix-laminate: attendee badges from pretix's badge layouts, rendered by laminate.

pretix finds the plugin through the ``pretix.plugin`` entry point and loads
the Django app in :mod:`pretix_laminate.apps`; the exporter is
:class:`pretix_laminate.exporters.LaminateBadgeExporter`.
"""

__version__ = "0.1.0"


def __getattr__(name):
    # The entry point names `PretixPluginMeta`; importing it here at once would
    # import Django before pretix has set it up.
    if name == "PretixPluginMeta":
        from .apps import PluginApp

        return PluginApp.PretixPluginMeta
    raise AttributeError(name)
