"""``python -m recommender``."""

from recommender.cli import main

raise SystemExit(main())
