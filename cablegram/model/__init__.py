"""The cable and its value types: frozen, typed, no I/O."""

from cablegram.model.cable import (
    Addressee,
    Cable,
    ClassifiedBy,
    Paragraph,
    ParseWarning,
    Reference,
    Source,
    Span,
    Tag,
    TagKind,
    TransmissionHeader,
)
from cablegram.model.classification import Classification, Level, PortionMark
from cablegram.model.dtg import Dtg, julian_time_of_file, parse_julian
from cablegram.model.ids import ReferenceId, expand_year
from cablegram.model.precedence import Precedence
from cablegram.model.routing import RoutingIndicator

__all__ = [
    "Addressee", "Cable", "Classification", "ClassifiedBy", "Dtg", "Level", "Paragraph",
    "ParseWarning", "PortionMark", "Precedence", "Reference", "ReferenceId", "RoutingIndicator",
    "Source", "Span", "Tag", "TagKind", "TransmissionHeader", "expand_year",
    "julian_time_of_file", "parse_julian",
]
