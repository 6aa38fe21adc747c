"""``python -m recommender``."""

from recommender.cli import run

raise SystemExit(run())
