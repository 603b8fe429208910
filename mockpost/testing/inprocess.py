"""The in-process handle for tests (`from mockpost.testing.inprocess import Mockpost`); it lives in
`mockpost.inprocess`, which the scenario runner uses too."""

from mockpost.inprocess import BASE_URL, InProcessClient, Mockpost

__all__ = ["BASE_URL", "InProcessClient", "Mockpost"]
