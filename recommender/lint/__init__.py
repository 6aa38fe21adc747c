"""``rules lint``: account for the whole answer space; find rules and questions that cannot matter.

:func:`recommender.lint.run.lint` covers every profile exactly (:mod:`recommender.lint.exact`:
independent parts of the space enumerated alone, their score distributions combined), or, when it
cannot, enumerates every distinct profile (or samples, when there are too many) through a backend
from :data:`recommender.lint.backends.BACKENDS`; then it runs every check in
:data:`recommender.lint.checks.CHECKS`. numpy is needed; only these modules import it.
"""

from __future__ import annotations

LIMIT = (
    1 << 20
)  # the most distinct profiles enumerated at once: one independent part, or the whole space
