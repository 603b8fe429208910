"""The extracts the conformance tests read are what their readers make of the reference texts.

The texts are not part of the repository; when they sit next to the checkout (../shared/seeds, or
the folder $MOCKPOST_SEEDS names), each extract is regenerated and must be identical. Without them,
these tests are skipped and the committed extracts are used as they are.
"""

from __future__ import annotations

from types import ModuleType

import afosto_examples
import ekopost_examples
import inpost_examples
import pytest
from samples import decode

READERS = [afosto_examples, ekopost_examples, inpost_examples]


@pytest.mark.parametrize("reader", READERS, ids=[r.EXTRACT.seed_name for r in READERS])
def test_the_committed_extract_is_what_the_reader_makes_of_the_reference(reader: ModuleType) -> None:
    fresh = reader.EXTRACT.fresh()
    if fresh is None:
        pytest.skip(f"the reference text {reader.EXTRACT.seed_name} is not next to this checkout")
    assert fresh == reader.EXTRACT.path.read_text(encoding="utf-8"), (
        f"stale: run python tests/conformance/{reader.__name__}.py"
    )


@pytest.mark.parametrize("reader", [ekopost_examples, inpost_examples], ids=["ekopost", "inpost"])
def test_every_repaired_sample_reads_as_its_printed_lines(reader: ModuleType) -> None:
    """The repairs a sample needed are recorded, and applying them to its lines gives its JSON."""
    for sample in reader.load():
        if sample["raw"]:
            assert decode(sample["raw"]) == (sample["json"], sample["repairs"]), sample["line"]
