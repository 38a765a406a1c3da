"""Supervision events are stamped by the product's clock; the name stays for the migrations."""

from huodong.core.clock import frozen_at, now

__all__ = ["frozen_at", "now"]
