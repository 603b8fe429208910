"""mockpost as a test fixture: in-process (no sockets) or as a live server on a free port.

def test_send(mockpost):
    eko = mockpost.client("ekopost", headers={"Authorization": "api-key test"})
    campaign = eko.post("/campaigns", json={"name": "March"}).json()
    mockpost.clock.advance(duration="7d")
"""

from mockpost.inprocess import Clock, Faults, Mockpost
from mockpost.testing.live import LiveServer

__all__ = ["Clock", "Faults", "LiveServer", "Mockpost"]
