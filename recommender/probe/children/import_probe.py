"""Child probe for any module: the ``import`` check only, for targets without a script."""

from __future__ import annotations

import importlib
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # mypy sees the package; the child, run by path, imports its sibling
    from recommender.probe.children import _harness as h
else:
    import _harness as h


def main() -> None:
    name = sys.argv[sys.argv.index("--import-name") + 1]

    def check_import(ctx: h.Context) -> h.Outcome:
        start = time.perf_counter()
        module = ctx.shared["framework"] = importlib.import_module(name)
        return h.ok(
            f"imported in {time.perf_counter() - start:.2f} s",
            version=str(getattr(module, "__version__", "")),
        )

    h.main({"import": check_import})


if __name__ == "__main__":
    main()
