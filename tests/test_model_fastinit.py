"""fast_init: the model's frozen dataclasses keep their constructor's behaviour."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import datetime

import pytest

from cablegram.formats.telegram_head import FirstLine
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    ClassifiedBy,
    Dtg,
    Paragraph,
    ParseWarning,
    Reference,
    ReferenceId,
    Source,
    Span,
    Tag,
    TransmissionHeader,
)
from cablegram.model.fastinit import fast_init

_CLASSES = [ParseWarning, Addressee, Tag, Reference, Paragraph, Span, ClassifiedBy,
            TransmissionHeader, Source, Cable, Classification, ReferenceId, Dtg, FirstLine]


@pytest.mark.parametrize("cls", _CLASSES, ids=lambda c: c.__name__)
def test_signature_is_the_fields(cls: type) -> None:
    params = list(inspect.signature(cls).parameters.values())
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields, strict=True):
        if f.default is not dataclasses.MISSING:
            assert p.default is f.default
        elif f.default_factory is dataclasses.MISSING:
            assert p.default is inspect.Parameter.empty
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"


def test_values_defaults_factories_and_frozen() -> None:
    p = Paragraph(3, "C", "text")
    assert (p.number, p.marking, p.text, p.subparagraphs) == (3, "C", "text", ())
    assert Paragraph(number=3, marking="C", text="text", subparagraphs=()) == p
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.text = "other"  # type: ignore[misc]
    a, b = Source(format="x"), Source(format="x")
    assert a.metadata == {} and a.metadata is not b.metadata  # a fresh dict each
    assert Cable(raw="").classification == Classification()
    assert Cable(raw="").source == Source(format="unknown")
    with pytest.raises(TypeError):
        Paragraph(1, "C")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Paragraph(1, "C", "t", (), "extra")  # type: ignore[call-arg]
    # __post_init__ still runs: a naive time becomes UTC.
    assert Dtg(datetime(2007, 5, 18, 14, 33)).when.tzinfo is not None
    assert dataclasses.replace(p, text="new") == Paragraph(3, "C", "new")


def test_refuses_what_it_cannot_speed_up() -> None:
    @dataclasses.dataclass
    class Plain:
        x: int

    with pytest.raises(TypeError):
        fast_init(Plain)
