"""argparse types that the options of more than one command share."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def seconds(limit: float) -> Callable[[str], float]:
    """An argparse type: a number of seconds over 0 and up to ``limit``. A value outside is
    refused with the text as typed and the range: ``--timeout 1e400`` said "not inf", a value
    the user never wrote, and ``probe`` and ``rules freshness`` said it two ways."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not 0 < value <= limit:  # nan and inf too
            raise argparse.ArgumentTypeError(
                f"expected a number of seconds over 0 and up to {limit:g}, got {text!r}"
            )
        return value

    return parse
