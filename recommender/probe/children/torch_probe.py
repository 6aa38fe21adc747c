"""Child probe for PyTorch: run by path in its own process, in the environment the parent set."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # mypy sees the package; the child, run by path, imports its sibling
    from recommender.probe.children import _harness as h
else:
    import _harness as h

COMPILE_NOTE = "torch.compile builds C++ on its first call (about 16 s on CPU); run with --deep"
# Measured: 1.1 s of CPU in a cold child, mostly importing torch._dynamo; a quarter of the budget.
EXPORT_NOTE = "torch.export imports torch._dynamo (about 1 s); run with --deep"


def check_import(ctx: h.Context) -> h.Outcome:
    return h.import_framework(ctx, torch="torch")


def check_devices(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]
    devices = [{"kind": "CPU", "name": "cpu"}]
    if torch.cuda.is_available():
        kind = "ROCm" if getattr(torch.version, "hip", None) else "GPU"
        devices += [
            {"kind": kind, "name": torch.cuda.get_device_name(i)}
            for i in range(torch.cuda.device_count())
        ]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append({"kind": "MPS", "name": "mps"})
    ctx.shared["devices"] = devices
    return h.ok(_count(devices), devices=devices, cuda_count=torch.cuda.device_count())


def check_gpu(ctx: h.Context) -> h.Outcome:
    return h.accelerators(
        ctx, lambda d: f"{d['kind']}: {d['name']}", "no CUDA, ROCm or MPS device visible to torch"
    )


def check_eager(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]
    got = (torch.tensor([1.0, 2.0]) * 3).sum().item()
    return h.expect("(x * 3).sum() for x = [1, 2]", got, 9.0)


def check_autograd(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]

    def f(x: Any) -> Any:  # a user-defined Python function with control flow
        return x**3 + torch.sin(x) if x > 0 else -x

    x = torch.tensor(2.0, requires_grad=True)
    (grad,) = torch.autograd.grad(f(x), x)
    import math

    return h.expect("d/dx (x^3 + sin x) at 2", grad.item(), 3 * 4 + math.cos(2.0))


def check_higher_order(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]
    x = torch.tensor(2.0, requires_grad=True)
    (g,) = torch.autograd.grad(x**3, x, create_graph=True)
    (g2,) = torch.autograd.grad(g, x)
    return h.expect("d2/dx2 x^3 at 2", g2.item(), 12.0)


def check_custom_gradient(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]

    function: Any = torch.autograd.Function

    class Clipped(function):
        """Identity forward, gradient replaced by a constant 0.5: proves the custom rule is used."""

        @staticmethod
        def forward(_: Any, x: Any) -> Any:
            return x.clone()

        @staticmethod
        def backward(_: Any, g: Any) -> Any:
            return 0.5 * g

    x = torch.tensor(3.0, requires_grad=True)
    Clipped.apply(x).backward()
    return h.expect("torch.autograd.Function backward (custom rule 0.5)", x.grad.item(), 0.5)


def check_jit(ctx: h.Context) -> h.Outcome:
    if not ctx.deep:
        return h.skipped(COMPILE_NOTE)
    torch = ctx.shared["torch"]
    compiled = torch.compile(lambda x: torch.sin(x) * x)
    x = torch.linspace(0, 1, 8)
    err = (compiled(x) - torch.sin(x) * x).abs().max().item()
    return (
        h.ok(f"torch.compile matches eager (max error {err:.1e})")
        if err < 1e-5
        else h.failed(f"torch.compile differs from eager by {err:.1e}")
    )


def check_vmap(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]
    from torch.func import vmap

    got = vmap(lambda row: (row * row).sum())(torch.arange(6.0).reshape(2, 3))
    return h.expect("torch.func.vmap row sums of squares, row 2", got[1].item(), 9 + 16 + 25)


def check_bf16(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]
    a = torch.ones(4, 4, dtype=torch.bfloat16)
    return h.expect("bfloat16 4x4 matmul", (a @ a)[0, 0].item(), 4.0)


def check_export(ctx: h.Context) -> h.Outcome:
    if not ctx.deep:
        return h.skipped(EXPORT_NOTE)
    torch = ctx.shared["torch"]
    program = torch.export.export(torch.nn.Linear(4, 2), (torch.ones(1, 4),))
    path = ctx.tmp / "linear.pt2"
    torch.export.save(program, str(path))
    return h.ok(
        f"torch.export of nn.Linear: {len(program.graph.nodes)} graph nodes, "
        f"{path.stat().st_size} bytes"
    )


def check_onnx(ctx: h.Context) -> h.Outcome:
    if importlib.util.find_spec("onnxscript") is None:
        return h.unavailable(
            "torch.onnx (the dynamo exporter) needs the onnxscript package, not installed"
        )
    torch = ctx.shared["torch"]
    if not ctx.deep:
        # exporting once costs more than the rest of the probe; the dependency usually decides
        return h.ok("onnxscript installed; run with --deep to export a model")
    program = torch.onnx.export(torch.nn.Linear(4, 2), (torch.ones(1, 4),), dynamo=True)
    path = ctx.tmp / "linear.onnx"
    program.save(str(path))
    return h.ok(f"torch.onnx.export (dynamo): {path.stat().st_size} bytes")


def check_distributed(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]
    dist = torch.distributed
    if not dist.is_available():
        return h.unavailable("torch.distributed is not built into this wheel")
    backends = [
        b
        for b, avail in (
            ("gloo", dist.is_gloo_available()),
            ("nccl", dist.is_nccl_available()),
            ("mpi", dist.is_mpi_available()),
        )
        if avail
    ]
    return h.ok(f"torch.distributed backends: {', '.join(backends) or 'none'}", backends=backends)


def _mlp_step(torch: Any, compiled: bool) -> Any:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    ).to(device)
    params = list(model.parameters())
    x, y = torch.randn(64, 64, device=device), torch.randn(64, 10, device=device)

    # Plain SGD by hand, as in the TF and JAX probes: constructing torch.optim.SGD imports
    # torch._dynamo (measured: 0.9 s), more than the rest of the PyTorch checks together.
    def step() -> Any:
        loss = torch.nn.functional.mse_loss(model(x), y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p.sub_(0.01 * g)
        return loss

    sync = (lambda _: torch.cuda.synchronize()) if device == "cuda" else (lambda loss: loss.item())
    return (torch.compile(step) if compiled else step), sync, device


def check_benchmark(ctx: h.Context) -> h.Outcome:
    torch = ctx.shared["torch"]
    step, sync, device = _mlp_step(torch, compiled=False)
    with h.serialized(ctx.lock), _one_thread(torch):
        return h.time_steps(step, sync, label=f"eager, {device}, 1 thread")


def check_benchmark_compiled(ctx: h.Context) -> h.Outcome:
    if not ctx.deep:
        return h.skipped(COMPILE_NOTE)
    torch = ctx.shared["torch"]
    step, sync, device = _mlp_step(torch, compiled=True)
    with h.serialized(ctx.lock), _one_thread(torch):
        return h.time_steps(step, sync, label=f"torch.compile, {device}, 1 thread")


@contextlib.contextmanager
def _one_thread(torch: Any) -> Iterator[None]:
    # The other probes run at the same time; torch's OpenMP threads spin-wait for busy cores, which
    # made a 0.2 ms step read 12 ms. TF and XLA thread pools block instead: only torch needs this.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _count(devices: list[dict[str, str]]) -> str:
    kinds: dict[str, int] = {}
    for d in devices:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    return ", ".join(f"{k} x{n}" for k, n in kinds.items())


CHECKS: dict[str, h.Check] = {
    "import": check_import,
    "devices": check_devices,
    "gpu": check_gpu,
    "eager": check_eager,
    "autograd": check_autograd,
    "higher_order_grad": check_higher_order,
    "custom_gradient": check_custom_gradient,
    "jit": check_jit,
    "vmap": check_vmap,
    "bf16": check_bf16,
    "export": check_export,
    "onnx": check_onnx,
    "distributed": check_distributed,
    "benchmark": check_benchmark,
    "benchmark_compiled": check_benchmark_compiled,
}


def build(ctx: h.Context) -> dict[str, Any]:
    """The CUDA (or ROCm) and cuDNN versions this torch was built with; None on a CPU build."""
    torch = ctx.shared["torch"]
    cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    return {
        "cuda": torch.version.cuda,
        "rocm": getattr(torch.version, "hip", None),
        "cudnn": _dotted(cudnn) if cudnn else None,
    }


def _dotted(number: int) -> str:
    """cuDNN's integer version as text: 90100 -> 9.1.0 (8.x used 8902 for 8.9.2)."""
    major, rest = (number // 10000, number % 10000) if number >= 10000 else divmod(number, 1000)
    minor, patch = (rest // 100, rest % 100) if number >= 10000 else divmod(rest, 100)
    return f"{major}.{minor}.{patch}"


if __name__ == "__main__":
    h.main(CHECKS, build=build)
