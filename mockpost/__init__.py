"""mockpost: a local, stateful sandbox of postal, hybrid-mail and logistics provider APIs."""

__version__ = "0.1.0"
