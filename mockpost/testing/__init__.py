"""mockpost as a test fixture: in-process (no sockets) or as a live server on a free port.

def test_send(mockpost):
    eko = mockpost.client("ekopost", headers={"Authorization": "api-key test"})
    campaign = eko.post("/campaigns", json={"name": "March"}).json()
    mockpost.clock.advance(duration="7d")
"""

from mockpost.handle import Handle, NotFound, Refused
from mockpost.inprocess import Clock, Faults, Mockpost
from mockpost.remote import AsyncRemoteMockpost, RemoteMockpost
from mockpost.testing.live import LiveServer

__all__ = [
    "AsyncRemoteMockpost",
    "Clock",
    "Faults",
    "Handle",
    "LiveServer",
    "Mockpost",
    "NotFound",
    "Refused",
    "RemoteMockpost",
]
