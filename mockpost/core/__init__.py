"""Provider-agnostic machinery. Nothing in here knows a provider's name."""
