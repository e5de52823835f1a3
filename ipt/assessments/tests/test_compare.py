"""Comparing two versions of the inventory: who was added, removed, moved closer or away."""

from ipt.assessments.compare import Change, compare


def _entry(pk, name, ring):
    return {"id": pk, "name": name, "ring": ring}


def test_it_finds_people_added_removed_and_moved_each_way():
    before = [_entry(1, "Dev", 3), _entry(2, "Mum", 1), _entry(3, "Tom", 2), _entry(4, "Jo", 1)]
    after = [_entry(1, "Dev", 1), _entry(2, "Mum", 2), _entry(4, "Jo", 1), _entry(5, "Club", 3)]

    changes = compare(before, after)

    assert changes == [
        Change("added", "Club", to_ring=3),
        Change("removed", "Tom", from_ring=2),
        Change("inward", "Dev", from_ring=3, to_ring=1),
        Change("outward", "Mum", from_ring=1, to_ring=2),
    ]
    assert [change.text for change in changes] == [
        "Club added on ring 3",
        "Tom no longer in the inventory (was on ring 2)",
        "Dev moved from ring 3 to ring 1 (closer)",
        "Mum moved from ring 1 to ring 2 (less close)",
    ]


def test_nothing_changed_when_the_same_people_sit_on_the_same_rings():
    same = [_entry(1, "Dev", 1)]
    assert compare(same, same) == []


def test_a_person_renamed_is_matched_by_their_entry_not_their_name():
    assert compare([_entry(1, "D", 2)], [_entry(1, "Dev", 2)]) == []


def test_empty_against_full_is_all_additions():
    assert [c.kind for c in compare([], [_entry(1, "A", 1), _entry(2, "B", 2)])] == [
        "added",
        "added",
    ]
