"""Signal receivers: the exporter, registered for events that enable the plugin."""

from django.dispatch import receiver
from pretix.base.signals import register_data_exporters


@receiver(register_data_exporters, dispatch_uid="pretix_laminate_badges")
def register_exporter(sender, **kwargs):
    from .exporters import LaminateBadgeExporter

    return LaminateBadgeExporter
