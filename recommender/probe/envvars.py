"""Environment variables: which decide what imports (the cache key), which a report shows, redacted.

Values of variables whose name suggests a secret are replaced whole, and a ``user:password@`` or a
secret query parameter in any URL too, so the report can be pasted into a public issue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Change which packages import, or which devices and libraries a framework sees.
IMPORT_VARS = (
    "PYTHONPATH", "PYTHONHOME", "PYTHONNOUSERSITE", "PYTHONSAFEPATH", "PYTHONUSERBASE",
    "VIRTUAL_ENV", "CONDA_PREFIX", "LD_LIBRARY_PATH", "LD_PRELOAD", "DYLD_LIBRARY_PATH",
    "CUDA_VISIBLE_DEVICES", "CUDA_HOME", "CUDA_PATH", "NVIDIA_VISIBLE_DEVICES",
    "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "TPU_VISIBLE_CHIPS", "JAX_PLATFORMS",
    "JAX_PLATFORM_NAME", "KERAS_BACKEND", "XLA_FLAGS", "TF_XLA_FLAGS",
)  # fmt: skip
# Shown in the environment report besides IMPORT_VARS.
REPORTED_PREFIXES = (
    "CUDA_", "NVIDIA_", "NCCL_", "CUDNN_", "TF_", "XLA_", "JAX_", "TORCH", "PYTORCH_", "KERAS_",
    "HIP_", "ROCR_", "ROCM_", "TPU_", "OMP_", "MKL_", "PIP_", "HF_", "RAY_",
)  # fmt: skip
SECRET_WORDS = (
    "TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "PASS", "CREDENTIAL", "AUTH", "COOKIE",
    "SESSION", "PRIVATE", "SIGNATURE",
)  # fmt: skip
REDACTED = "<redacted>"
VALUE_LIMIT = 300  # characters of a value shown
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")
_QUERY_SECRET = re.compile(
    r"(?P<name>[?&][^=&\s]*(?:token|key|secret|passw|auth|sig|cred)[^=&\s]*=)[^&\s#]+", re.I
)


def import_vars(env: Mapping[str, str]) -> dict[str, str]:
    """The set ``IMPORT_VARS``, verbatim: part of the cache key."""
    return {name: env[name] for name in IMPORT_VARS if name in env}


def reported(env: Mapping[str, str]) -> dict[str, str]:
    """The variables worth a bug report, sorted, secrets redacted."""
    names = [n for n in env if n in IMPORT_VARS or n.startswith(REPORTED_PREFIXES)]
    return {name: redact(name, env[name]) for name in sorted(names)}


def redact(name: str, value: str) -> str:
    """``value`` safe to publish: all of it when the name looks secret, else URL credentials."""
    if is_secret(name):
        return REDACTED
    cleaned = _USERINFO.sub(lambda m: f"{m['scheme']}{REDACTED}@", value)
    cleaned = _QUERY_SECRET.sub(lambda m: f"{m['name']}{REDACTED}", cleaned)
    return cleaned if len(cleaned) <= VALUE_LIMIT else cleaned[:VALUE_LIMIT] + "…"


def is_secret(name: str) -> bool:
    """Whether a name says it holds a secret (``HF_TOKEN``, ``AWS_SECRET_ACCESS_KEY``...)."""
    words = re.split(r"[^A-Z0-9]+", name.upper())
    return any(word.startswith(SECRET_WORDS) or word.endswith(SECRET_WORDS) for word in words)
