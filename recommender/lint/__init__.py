"""``rules lint``: search the whole answer space for rules and questions that cannot matter.

:func:`recommender.lint.run.lint` enumerates every distinct profile (or samples, when there are too many), scores
them all through a backend from :data:`recommender.lint.backends.BACKENDS`, and runs every check in
:data:`recommender.lint.checks.CHECKS`. numpy is needed; this package imports it only in those modules.
"""
from __future__ import annotations

LIMIT = 1 << 20  # distinct profiles scored exhaustively; beyond it, a sample of this size
