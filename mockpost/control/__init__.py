"""The /_mockpost control plane: clock, reset, journal, faults, webhooks, inboxes, state."""
