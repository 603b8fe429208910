import pytest

from mockpost.core.lifecycle import Lifecycle, TransitionRefused, UnknownState

PARCEL = Lifecycle.build(
    "parcel",
    "created",
    {"created": ["sent", "cancelled"], "sent": ["delivered"]},
    final=["delivered", "cancelled"],
)


def test_allowed_transitions_pass_and_others_are_refused_with_both_states():
    PARCEL.check("created", "sent")
    with pytest.raises(TransitionRefused) as refused:
        PARCEL.check("delivered", "created")
    assert (refused.value.current, refused.value.target) == ("delivered", "created")


def test_unknown_states_are_named():
    with pytest.raises(UnknownState, match="teleported"):
        PARCEL.check("created", "teleported")


def test_shortest_path_walks_through_intermediate_states():
    assert PARCEL.path("created", "delivered") == ["sent", "delivered"]
    assert PARCEL.path("sent", "sent") == []
    with pytest.raises(TransitionRefused):
        PARCEL.path("delivered", "sent")


def test_a_table_naming_unknown_final_states_is_rejected():
    with pytest.raises(ValueError):
        Lifecycle.build("x", "a", {"a": ["b"]}, final=["z"])


def test_describe_lists_every_state_and_final_ones():
    described = PARCEL.describe()
    assert described["transitions"]["created"] == ["cancelled", "sent"]
    assert described["final"] == ["cancelled", "delivered"]
