"""Type stubs for laminate_passes (the module is written in Rust)."""

import os
from datetime import date, datetime
from typing import Any, Callable, Mapping, Optional, Sequence, Union

PathLike = Union[str, "os.PathLike[str]"]
Roster = Union[PathLike, Mapping[str, Any]]
Templates = Union[PathLike, Mapping[str, Any]]
"""A folder, or a mapping of pass type (or file name) to a template mapping
or YAML text; a bytes value is a file of the set (an image, a background)."""
Progress = Callable[[int, int], None]

class Diagnostic:
    """One problem in the input, with its place."""

    severity: str
    """"error", "warning" or "note"."""
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    entry: Optional[str]
    """The roster entry's id."""
    message: str
    hint: Optional[str]

class Report:
    """What a render did."""

    passes: int
    sheets: int
    bytes: int
    files: list[str]
    warnings: list[Diagnostic]

class Verdict:
    """A scanned payload checked."""

    status: str
    """"valid", or "malformed", "unsigned", "bad-signature", "revoked",
    "superseded", "not-yet-valid", "expired", "wrong-zone"."""
    pass_id: Optional[str]
    pass_type: Optional[str]
    zones: list[str]
    valid_from: Optional[str]
    valid_until: Optional[str]
    message: str
    def __bool__(self) -> bool: ...

class InputError(Exception):
    """The input has problems; nothing was written. ``str(e)`` reads like the command's output."""

    diagnostics: list[Diagnostic]

def render(
    roster: Roster,
    output: PathLike,
    *,
    templates: Optional[Templates] = None,
    progress: Optional[Progress] = None,
    **options: Any,
) -> Report:
    """Render ``roster`` to the PDF ``output`` (written whole or not at all)."""

def render_bytes(
    roster: Roster,
    *,
    templates: Optional[Templates] = None,
    progress: Optional[Progress] = None,
    **options: Any,
) -> bytes:
    """Render ``roster`` to a PDF in memory, with no file written."""

def validate(roster: Roster, *, templates: Optional[Templates] = None, **options: Any) -> list[Diagnostic]:
    """Every check of render; the warnings. Errors raise InputError."""

def verify(
    payload: str,
    public_key: PathLike,
    *,
    at: Optional[Union[str, datetime]] = None,
    on: Optional[Union[str, date]] = None,
    zone: Optional[str] = None,
    revoked: Optional[PathLike] = None,
    reprints: Optional[PathLike] = None,
) -> Verdict:
    """Check a scanned QR payload as ``laminate verify`` does."""

def keygen(path: PathLike) -> tuple[str, str]:
    """Write a signing key pair: ``path`` (private, 0600) and ``path.pub``; both or neither."""

class PretixLayout:
    """A pretix badge layout as a laminate template set."""

    name: str
    """The pass type the set defines (roster entries' ``type``)."""
    files: dict[str, bytes]
    """The set's files: ``{name}.yaml``, ``{name}-background.pdf``, logos.
    Give them (several layouts' merged) as ``templates=``."""
    extra_fields: list[str]
    """The roster ``extra`` keys the template shows (``item``, ``question_12``, ...)."""
    warnings: list[Diagnostic]
    """What laminate draws differently from pretix."""

def pretix_layout(
    layout: Union[str, bytes, Sequence[Mapping[str, Any]]],
    *,
    background: Optional[Union[bytes, PathLike]] = None,
    name: str = "badge",
) -> PretixLayout:
    """A pretix badge layout (its JSON, or the parsed list) and background PDF
    as a template set, as ``laminate import pretix`` makes it, in memory.
    A layout pretix's schema refuses raises InputError naming element and key."""

def main(argv: Sequence[str], signals: bool = False) -> int:
    """Run the ``laminate`` command line; its exit status."""
