from mockpost.core.journal import Entry, Journal, truncate
from mockpost.core.tenancy import Tenancy


def test_open_mode_gives_each_credential_its_own_stable_tenant():
    tenancy = Tenancy()
    a, b = tenancy.resolve("p", "key-a"), tenancy.resolve("p", "key-b")
    assert a != b and a == tenancy.resolve("p", "key-a")
    assert tenancy.resolve("other", "key-a") != a


def test_strict_mode_knows_only_listed_credentials_and_groups_them():
    tenancy = Tenancy()
    tenancy.add_account("p", "acme", {"api:1", "basic:u:p"}, {})
    assert tenancy.resolve("p", "api:1") == tenancy.resolve("p", "basic:u:p") is not None
    assert tenancy.resolve("p", "api:2") is None


def entry(n: int, **fields) -> Entry:
    base = dict(
        id=n,
        at=0.0,
        provider="p",
        tenant="t",
        method="GET",
        path=f"/p/x/{n}",
        query=b"",
        status=200,
        duration_ms=1.0,
    )
    return Entry(**{**base, **fields})


def test_journal_is_a_bounded_ring_and_filters_with_globs():
    journal = Journal(capacity=3)
    for n in range(5):
        journal.record(entry(n, status=404 if n == 4 else 200))
    assert [e.id for e in journal.query()] == [2, 3, 4]
    assert [e.id for e in journal.query(status=404)] == [4]
    assert [e.id for e in journal.query(path="/p/x/[23]")] == [2, 3]
    assert [e.id for e in journal.query(limit=1)] == [4]


def test_bodies_are_truncated_with_a_note():
    assert truncate("x" * 10, limit=4) == "xxxx... [6 more characters]"
