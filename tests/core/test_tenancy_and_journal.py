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


def test_journal_subscribers_see_each_entry_once_until_they_unsubscribe():
    journal = Journal(capacity=2)
    seen: list[int] = []
    unsubscribe = journal.subscribe(lambda e: seen.append(e.id))
    journal.record(entry(1))
    journal.record_row(tuple(entry(2)))  # the request path's form: the same Entry for listeners
    unsubscribe()
    unsubscribe()  # twice is harmless
    journal.record(entry(3))
    assert seen == [1, 2] and [e.id for e in journal.query()] == [2, 3]


def test_a_served_request_lands_in_the_journal_with_every_field_in_place():
    from mockpost.testing import Mockpost

    with Mockpost() as mock:
        mock.client().post(
            "/ekopost/campaigns?x=1", json={"name": "j"}, headers={"Authorization": "api-key j"}
        )
        (recorded,) = mock.journal()
    assert recorded["provider"] == "ekopost" and recorded["method"] == "POST"
    assert recorded["path"] == "/ekopost/campaigns" and recorded["query"] == "x=1"
    assert recorded["status"] == 200 and recorded["tenant"] and recorded["duration_ms"] >= 0
    assert '"name":"j"' in recorded["request_body"].replace(" ", "") and '"id"' in recorded["response_body"]
