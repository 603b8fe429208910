"""Documents the sandbox makes (labels, proofs, printouts) read as they were written."""

import io

import pypdf

from mockpost.core.pdf import make_pdf


def text_of(data: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().strip()


def test_western_european_letters_are_kept_as_written():
    assert text_of(make_pdf([["Göteborg, Šiauliai, Malmö — 5 €"]])) == "Göteborg, Šiauliai, Malmö — 5 €"


def test_letters_the_standard_fonts_lack_are_written_as_their_base_letter_not_a_question_mark():
    assert text_of(make_pdf([["Marszałkowska 126, Łódź, Kraków"]])) == "Marszalkowska 126, Lódz, Kraków"
