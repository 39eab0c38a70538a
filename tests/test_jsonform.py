"""The JSON form: every field survives to_json -> JSON text -> from_json."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from cablegram.errors import FormatError
from cablegram.formats.jsonform import from_json, record_view, to_json
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    ClassifiedBy,
    Dtg,
    Level,
    Paragraph,
    ParseWarning,
    Precedence,
    Reference,
    ReferenceId,
    Source,
    Span,
    Tag,
    TagKind,
    TransmissionHeader,
)


def _cable() -> Cable:
    return Cable(
        raw="raw text",
        reference_id=ReferenceId.parse("09 VALLETTA 77"),
        header=TransmissionHeader(transmission_id="VZCZCXYZ0001", routing_precedence="PP",
                                  routing=("RUEHWEB",), station="RUEHVL", station_serial=77,
                                  section=1, time_of_file="0451200",
                                  security_warning="ZNY SSSSS", operating_signals=("ZZH",),
                                  dtg_prosigns="P"),
        dtg=Dtg(datetime(2009, 2, 20, 12, 0, tzinfo=UTC)),
        precedence=Precedence.NIACT_IMMEDIATE,
        originator_name="AMEMBASSY VALLETTA", originator_ri="RUEHVL", origin="VALLETTA",
        to=(Addressee("SECSTATE WASHDC", "RUEHC", Precedence.NIACT_IMMEDIATE, "0042"),),
        info=(Addressee("EU MEMBER STATES COLLECTIVE", "RUCNMEM", collective=True),
              Addressee("AMEMBASSY ROME", "RUEHRO", Precedence.PRIORITY, "0100-0102")),
        classification=Classification(Level.SECRET, ("NOFORN", "SIPDIS")),
        classification_line="S E C R E T VALLETTA 000077",
        section=(1, 2), mrn="VALLETTA 000077", captions=("NOFORN", "SIPDIS"),
        passing=("DEPT FOR EUR/WE",), eo="12958",
        declassify_instruction="DECL: 02/19/2019", declassify_on=date(2019, 2, 19),
        tags=(Tag("PREL", TagKind.SUBJECT), Tag("MT", TagKind.COUNTRY)),
        subject="INVENTED SUBJECT", subject_marking="C",
        references=(Reference("A. STATE 1234", "A", ReferenceId.parse("09STATE1234")),
                    Reference("B. EMAIL OF 2/2", "B")),
        classified_by=ClassifiedBy("Ambassador Jane Doe for reasons 1.4 (b) and (d)",
                                   "Jane Doe", "Ambassador", ("b", "d"), "1.4"),
        paragraphs=(Paragraph(1, "S//NF", "SUMMARY: invented. END SUMMARY."),
                    Paragraph(2, "C", "A. one\nB. two", ("A. one", "B. two"))),
        spans=(Span("summary", 1, 1),),
        signature=("DOE",), cleaned="cleaned text",
        warnings=(ParseWarning("A1", "repaired quote", 12),),
        source=Source("telegram", "x.txt", {"row": 3}),
    )


def test_round_trip_through_json_text_keeps_every_field() -> None:
    c = _cable()
    again = from_json(json.loads(json.dumps(to_json(c))))
    assert again == c


def test_issue_keys_have_their_documented_meaning() -> None:
    d = to_json(_cable())
    assert d["reference_id"] == "09VALLETTA77"
    assert d["classification"] == "SECRET"  # level only
    assert d["caveats"] == ["NOFORN", "SIPDIS"]
    assert d["dtg"] == "2009-02-20T12:00:00Z"
    assert d["to"][0] == {"ri": "RUEHC", "name": "SECSTATE WASHDC",
                          "precedence": "NIACT IMMEDIATE", "mcn": "0042",
                          "collective": False, "zen": False}
    assert d["info"][0]["precedence"] == "ROUTINE" and d["info"][0]["mcn"] is None
    assert d["references"][0] == {"letter": "A", "id": "09STATE1234", "text": "A. STATE 1234"}
    assert d["references"][1]["id"] is None
    assert d["reasons"] == ["b", "d"]
    assert d["paragraphs"][0]["marking"] == "S//NF"
    assert d["signer"] == "DOE"
    assert d["declassify_on"] == "2019-02-19"
    assert d["source"]["format"] == "telegram" and d["source"]["metadata"] == {"row": 3}


def test_record_view_drops_provenance_only() -> None:
    a = _cable()
    b = from_json({**to_json(a), "raw": "other", "source": {"format": "cables-csv"},
                   "warnings": [], "cleaned": ""})
    assert record_view(a) == record_view(b)
    assert "subject" in record_view(a) and "raw" not in record_view(a)


def test_sbu_level_survives_and_reads_as_unclassified() -> None:
    c = Cable(raw="", classification=Classification(Level.SBU, ("SENSITIVE",),
                                                    admin_control="SBU"))
    d = to_json(c)
    assert d["classification"] == "UNCLASSIFIED" and d["level"] == "SBU"
    assert from_json(d).classification.level is Level.SBU


@pytest.mark.parametrize("bad", [{"reference_id": "07OSLO525", "dtg": "not a date"},
                                 {"reference_id": "07OSLO525", "level": "PURPLE"},
                                 {"to": [{"name": "X"}]}])
def test_malformed_json_form_raises_format_error(bad: dict[str, object]) -> None:
    with pytest.raises(FormatError):
        from_json(bad)
