"""laminate: print-ready PDF sheets of laminate passes from a roster.

The same renderer as the ``laminate`` command, as functions::

    import laminate_passes as laminate

    report = laminate.render("roster.yaml", "passes.pdf", sheet="a3", duplex=True)
    pdf = laminate.render_bytes({"event": {...}, "passes": [...]})

Keyword options are the command line's long options with underscores
(``--security-ink Foil`` is ``security_ink="Foil"``, a flag is ``True``).
Nothing is printed: warnings come back in the :class:`Report`, progress
through the optional ``progress(done, total)`` callback. Rendering runs with
the GIL released; Ctrl-C (KeyboardInterrupt) stops it within a chunk of 256
passes and nothing is written.
"""

import sys

from ._native import (
    Diagnostic,
    InputError,
    PretixLayout,
    Report,
    Verdict,
    keygen,
    main,
    pretix_layout,
    render,
    render_bytes,
    validate,
    verify,
)

__all__ = [
    "Diagnostic",
    "InputError",
    "PretixLayout",
    "Report",
    "Verdict",
    "keygen",
    "main",
    "pretix_layout",
    "render",
    "render_bytes",
    "validate",
    "verify",
]


def _console() -> None:
    """The ``laminate`` console script: the whole command line."""
    sys.exit(main(sys.argv[1:], signals=True))
