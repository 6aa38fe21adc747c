"""The registry of probe targets: which frameworks, probed by which child script, in which env."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path

from recommender.errors import UserError, did_you_mean
from recommender.values import Value, frozen

CHILDREN = Path(__file__).resolve().parent / "children"


@frozen
class Companion(Value):
    """A library that goes with a framework, looked up by package metadata only (never imported)."""

    name: str
    distributions: tuple[str, ...]
    note: str = ""
    min_major: int = 0  # keras 2 runs only on TensorFlow; keras 3 on all three


@frozen
class ProbeTarget(Value):
    """One framework to probe: its distributions (for the version), its module, its child script."""

    name: str
    import_name: str
    distributions: tuple[str, ...]
    child: Path
    checks: tuple[str, ...]
    companions: tuple[Companion, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    search_path: tuple[
        str, ...
    ] = ()  # extra sys.path entries, for metadata lookups and for the child


# Shared by every child, set before the framework is imported. "{tmp}" is the child's private temp
# dir, removed when the child ends: nothing lands in ~/.keras, ~/.cache or /tmp/torchinductor_*.
COMMON_ENV: dict[str, str] = {
    "XLA_PYTHON_CLIENT_PREALLOCATE": "false",  # else JAX grabs most GPU memory on its first op
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_FORCE_GPU_ALLOW_GROWTH": "true",
    "KERAS_HOME": "{tmp}/keras",  # importing tensorflow imports keras, which writes keras.json
    "TORCHINDUCTOR_CACHE_DIR": "{tmp}/inductor",
    "TRITON_CACHE_DIR": "{tmp}/triton",
    "MPLCONFIGDIR": "{tmp}/matplotlib",
    # inductor keeps precompiled headers in tempfile.gettempdir(), ignoring TORCHINDUCTOR_CACHE_DIR
    "TMPDIR": "{tmp}",
    "TEMP": "{tmp}",
    "TMP": "{tmp}",
    "PYTHONWARNINGS": "ignore",
}

COMMON_CHECKS = (
    "import",
    "devices",
    "gpu",
    "eager",
    "autograd",
    "higher_order_grad",
    "custom_gradient",
    "jit",
    "vmap",
    "bf16",
)

_KERAS3 = Companion("keras", ("keras",), note="Keras 3 multi-backend", min_major=3)
_TENSORBOARD = Companion("tensorboard", ("tensorboard",))

TARGETS: dict[str, ProbeTarget] = {
    "pytorch": ProbeTarget(
        name="pytorch",
        import_name="torch",
        distributions=("torch",),
        child=CHILDREN / "torch_probe.py",
        checks=(*COMMON_CHECKS, "export", "onnx", "distributed", "benchmark", "benchmark_compiled"),
        companions=(
            _KERAS3,
            Companion("lightning", ("lightning", "pytorch-lightning")),
            Companion("tensorboard", ("tensorboard",), note="for torch.utils.tensorboard"),
        ),
    ),
    "tensorflow": ProbeTarget(
        name="tensorflow",
        import_name="tensorflow",
        distributions=(
            "tensorflow",
            "tensorflow-cpu",
            "tensorflow-macos",
            "tensorflow-intel",
            "tf-nightly",
        ),
        child=CHILDREN / "tf_probe.py",
        checks=(*COMMON_CHECKS, "savedmodel", "tflite", "distributed", "benchmark"),
        companions=(Companion("keras", ("keras", "tf-keras")), _TENSORBOARD),
        env={"KERAS_BACKEND": "tensorflow"},
    ),
    "jax": ProbeTarget(
        name="jax",
        import_name="jax",
        distributions=("jax",),
        child=CHILDREN / "jax_probe.py",
        checks=(*COMMON_CHECKS, "export", "jax2tf", "distributed", "benchmark"),
        companions=(
            _KERAS3,
            Companion("flax", ("flax",)),
            Companion("equinox", ("equinox",)),
            Companion("optax", ("optax",)),
        ),
    ),
}

# Names people type for the frameworks; the registry keys stay the canonical fact prefixes.
ALIASES: dict[str, str] = {"torch": "pytorch", "tf": "tensorflow"}


def resolve(name: str, targets: Mapping[str, ProbeTarget]) -> str:
    """The registry key for a typed name (case and aliases forgiven), or a one-line UserError."""
    for key in (name, name.lower(), ALIASES.get(name.lower(), "")):
        if key in targets:
            return key
    raise UserError(f'unknown framework "{name}"{did_you_mean(name, targets)}')
