"""The environment report: each flag raised by real children on fake installs, the driver read
through a fake ``nvidia-smi`` and ``/proc`` file, secrets redacted, markdown for a bug report."""

from __future__ import annotations

import _ctypes
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from probe_fakes import add_metadata, fake_target, make_package

from recommender.probe import ProbeReport, run_probe
from recommender.probe.driver import Driver, detect
from recommender.probe.envvars import REDACTED, is_secret, redact, reported
from recommender.probe.render import render_markdown, render_table

SMI = """\
#!/bin/sh
cat <<'EOF'
Mon Nov 30 10:00:00 2026
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 550.54.14              Driver Version: 550.54.14      CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+
EOF
"""
PROC = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n"
FAKE_TORCH = """\
__version__ = "2.99.0"


class version:
    cuda = "12.8"
    hip = None


class _cudnn:
    @staticmethod
    def is_available():
        return True

    @staticmethod
    def version():
        return 90100


class backends:
    cudnn = _cudnn
"""
FAKE_TF = """\
__version__ = "2.99.0"


class sysconfig:
    @staticmethod
    def get_build_info():
        return {"is_cuda_build": True, "cuda_version": "13.0.1", "cudnn_version": "9"}
"""


@pytest.fixture(scope="module")
def fake_driver(tmp_path_factory: pytest.TempPathFactory) -> Driver:
    """The driver as read from a fake /proc file and a fake nvidia-smi, really run."""
    root = tmp_path_factory.mktemp("driver")
    (root / "version").write_text(PROC)
    smi = root / "nvidia-smi"
    smi.write_text(SMI)
    smi.chmod(smi.stat().st_mode | stat.S_IXUSR)
    return detect(root / "version", [str(smi)])


def test_the_driver_comes_from_nvidia_smi(fake_driver: Driver) -> None:
    assert fake_driver == Driver(
        "550.54.14", "12.4", "nvidia-smi", "NVIDIA driver 550.54.14, supports CUDA up to 12.4"
    )


def test_without_nvidia_smi_the_proc_file_gives_the_version(tmp_path: Path) -> None:
    (tmp_path / "version").write_text(PROC)
    assert detect(tmp_path / "version", ()) == Driver(
        "550.54.14",
        None,
        "/proc/driver/nvidia/version",
        "NVIDIA driver 550.54.14; nvidia-smi not found, so its CUDA version is unknown",
    )


def test_a_failing_nvidia_smi_without_a_driver_is_no_driver(tmp_path: Path) -> None:
    smi = tmp_path / "nvidia-smi"
    failure = "NVIDIA-SMI has failed because it could not talk to the driver"
    smi.write_text(f"#!/bin/sh\necho '{failure}'\nexit 9\n")
    smi.chmod(0o755)
    found = detect(tmp_path / "absent", [str(smi)])
    assert found == Driver(
        detail="no NVIDIA driver (nvidia-smi: NVIDIA-SMI has failed because it could not talk to "
        "the driver)"
    )


@pytest.mark.skipif(
    Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None,
    reason="this machine has an NVIDIA driver",
)
def test_this_machine_has_no_nvidia_driver() -> None:
    assert detect() == Driver()
    assert Driver().detail == "no NVIDIA driver"


class Fakes:
    """One probe of every fake install, shared by the flag tests."""

    def __init__(self, root: Path, driver: Driver) -> None:
        site, other = root / "site", root / "other"
        # two distributions of one framework, as tensorflow and tensorflow-cpu side by side
        make_package(site, "twins", "__version__ = '1.0'\n")
        add_metadata(site, "twins-cpu", "1.0")
        # a wrapper and the distribution it installs, as tensorflow and tensorflow-intel on Windows
        make_package(site, "wrapped", "__version__ = '1.0'\n")
        add_metadata(site, "wrapped-impl", "1.0", requires=("wrapped==1.0",))
        # metadata says 1.0, the module says 2.0: a stale install
        make_package(site, "stale", "__version__ = '2.0'\n")
        # metadata in one site, the module imported from another that comes first
        add_metadata(site, "shadow", "1.0")
        make_package(other, "shadow", "__version__ = '1.0'\n", dist="unrelated")
        # loads a shared library called libcudart, as a CUDA build does
        shutil.copy(_ctypes.__file__ or "", root / "libcudart.so.12")
        library = str(root / "libcudart.so.12")
        loader = f"import ctypes\nctypes.CDLL({library!r})\n__version__ = '1.0'\n"
        make_package(site, "loader", loader)
        # torch and tensorflow look-alikes, probed by the real children, report CUDA builds
        make_package(root / "torch", "torch", FAKE_TORCH, dist="faketorch", version="2.99.0")
        make_package(root / "tf", "tensorflow", FAKE_TF, dist="faketf", version="2.99.0")
        self.targets = {
            "twins": fake_target("twins", site, distributions=("twins", "twins-cpu")),
            "wrapped": fake_target("wrapped", site, distributions=("wrapped-impl", "wrapped")),
            "stale": fake_target("stale", site),
            "shadow": fake_target("shadow", other, distributions=("shadow",)),
            "loader": fake_target("loader", site),
            "torch": fake_target(
                "torch", root / "torch", distributions=("faketorch",), child="torch_probe.py"
            ),
            "tf": fake_target(
                "tf",
                root / "tf",
                import_name="tensorflow",
                distributions=("faketf",),
                child="tf_probe.py",
            ),  # fmt: skip
        }
        # the shadow's metadata lives in `site`, which the child does not see first
        self.targets["shadow"] = self.targets["shadow"].__class__(
            **{**_fields(self.targets["shadow"]), "search_path": (str(other), str(site))}
        )
        self.root = root
        self.report = run_probe(
            targets=self.targets, timeout=60, cache_dir=root / "cache", driver=lambda: driver
        )
        self.no_driver = run_probe(
            ["torch"], targets=self.targets, timeout=60, cache_dir=root / "cache", driver=Driver
        )

    def flags(self, report: ProbeReport | None = None) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for flag in (report or self.report).environment["flags"]:
            found.setdefault(flag["framework"], []).append((flag["kind"], flag["message"]))
        return found


def _fields(target: Any) -> dict[str, Any]:
    return {name: getattr(target, name) for name in target.__dataclass_fields__}


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory, fake_driver: Driver) -> Fakes:
    return Fakes(tmp_path_factory.mktemp("env"), fake_driver)


def test_several_distributions_of_one_framework(fakes: Fakes) -> None:
    site = os.path.realpath(fakes.root / "site")
    assert fakes.flags()["twins"] == [
        (
            "several-distributions",
            f"several installed distributions: twins 1.0 ({site}), twins-cpu 1.0 ({site})",
        )
    ]


def test_a_wrapper_and_what_it_installs_are_one_install(fakes: Fakes) -> None:
    assert len(fakes.report.environment["distributions"]["wrapped"]) == 2
    assert "wrapped" not in fakes.flags()


def test_metadata_that_disagrees_with_the_imported_version(fakes: Fakes) -> None:
    assert fakes.flags()["stale"] == [
        ("version-mismatch", "package metadata says 1.0, but the imported module says 2.0")
    ]


def test_a_module_imported_from_elsewhere_than_its_metadata(fakes: Fakes) -> None:
    other, site = fakes.root / "other", os.path.realpath(fakes.root / "site")
    [(kind, message)] = fakes.flags()["shadow"]
    assert (kind, message) == (
        "shadowed",
        f"imported from {other / 'shadow' / '__init__.py'}, not from where its metadata is "
        f"installed ({site}): an editable install, or a path that shadows the installed package",
    )


def test_the_library_files_actually_loaded(fakes: Fakes) -> None:
    runtime = fakes.report.get("loader").runtime  # type: ignore[union-attr]
    assert runtime["file"] == str(fakes.root / "site" / "loader" / "__init__.py")
    assert str(fakes.root / "libcudart.so.12") in runtime["libraries"]
    assert "loader" not in fakes.flags()


def test_cuda_builds_against_the_driver(fakes: Fakes) -> None:
    """torch built for 12.8 on a driver for 12.4 runs, mostly; TF built for 13.0 cannot use it."""
    torch, tf = fakes.report.get("torch"), fakes.report.get("tf")
    assert torch is not None and tf is not None
    assert torch.runtime["build"] == {"cuda": "12.8", "rocm": None, "cudnn": "9.1.0"}
    assert tf.runtime["build"] == {"cuda": "13.0.1", "rocm": None, "cudnn": "9"}
    assert fakes.flags()["torch"] == [
        (
            "cuda-driver",
            "built with CUDA 12.8, but driver 550.54.14 supports CUDA up to 12.4: it "
            "runs through CUDA minor-version compatibility, but kernels compiled from PTX at run "
            "time may fail; update the driver",
        )
    ]
    assert fakes.flags()["tf"] == [
        (
            "cuda-driver",
            "built with CUDA 13.0.1, but driver 550.54.14 supports CUDA up to 12.4: it cannot use "
            "the GPU; update the driver, or install a tf build for CUDA 12",
        )
    ]


def test_a_cuda_build_without_any_driver(fakes: Fakes) -> None:
    assert fakes.flags(fakes.no_driver)["torch"] == [
        (
            "cuda-driver",
            "built with CUDA 12.8, but no NVIDIA driver: it can only use the CPU",
        )
    ]


def test_the_real_frameworks_here_raise_no_flag(tmp_path: Path) -> None:
    """CPU builds, one distribution each, metadata and module agreeing: a clean install is quiet."""
    report = run_probe(["jax"], cache_dir=tmp_path)
    assert report.environment["flags"] == []
    assert (
        report.environment["driver"]["detail"] in ("no NVIDIA driver",)
        or report.environment["driver"]["version"]
    )


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("HF_TOKEN", "hf_abc", REDACTED),
        ("WANDB_API_KEY", "k", REDACTED),
        ("AWS_SECRET_ACCESS_KEY", "s", REDACTED),
        ("PGPASSWORD", "p", REDACTED),
        ("GOOGLE_APPLICATION_CREDENTIALS", "/k.json", REDACTED),
        ("NCCL_AUTH_KEY", "x", REDACTED),
        ("CUDA_VISIBLE_DEVICES", "0,1", "0,1"),
        (
            "PIP_INDEX_URL",
            "https://bob:hunter2@pypi.example.com/simple",
            f"https://{REDACTED}@pypi.example.com/simple",
        ),
        (
            "PIP_EXTRA_INDEX_URL",
            "https://x.example/simple?api_key=abc&v=1",
            f"https://x.example/simple?api_key={REDACTED}&v=1",
        ),
        ("RAY_ADDRESS", "ray://u:p@head:10001", f"ray://{REDACTED}@head:10001"),
    ],
)
def test_secrets_are_redacted(name: str, value: str, shown: str) -> None:
    assert redact(name, value) == shown


def test_only_variables_that_matter_are_reported() -> None:
    env = {"HOME": "/root", "EDITOR": "vi", "PYTHONPATH": "/a", "XLA_FLAGS": "--x", "HF_TOKEN": "t"}
    assert reported(env) == {"HF_TOKEN": REDACTED, "PYTHONPATH": "/a", "XLA_FLAGS": "--x"}
    assert not is_secret("CUDA_HOME") and is_secret("MY_APIKEY")


def test_no_secret_reaches_any_format(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_secretvalue")
    monkeypatch.setenv("PIP_INDEX_URL", "https://bob:hunter2pass@pypi.example.com/simple")
    report = run_probe(["stale"], targets=fakes.targets, cache_dir=fakes.root / "cache")
    for text in (render_markdown(report), render_table(report), json.dumps(report.to_dict())):
        assert "hf_secretvalue" not in text and "hunter2pass" not in text
    assert report.environment["variables"]["HF_TOKEN"] == REDACTED


def test_markdown_is_a_block_for_a_bug_report(fakes: Fakes) -> None:
    text = render_markdown(fakes.report)
    for heading in ("### recommender probe", "**Flags**", "**Environment**", "<details>"):
        assert heading in text
    assert "- NVIDIA: NVIDIA driver 550.54.14, supports CUDA up to 12.4" in text
    assert "| torch | 2.99.0 |" in text and "cuda 12.8, cudnn 9.1.0" in text
    assert "- stale: package metadata says 1.0, but the imported module says 2.0" in text


def test_the_table_ends_with_the_environment_and_flags(fakes: Fakes) -> None:
    lines = render_table(fakes.report).splitlines()
    assert "NVIDIA: NVIDIA driver 550.54.14, supports CUDA up to 12.4" in lines
    assert "! stale: package metadata says 1.0, but the imported module says 2.0" in lines
