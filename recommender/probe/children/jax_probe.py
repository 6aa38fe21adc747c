"""Child probe for JAX: run by path in its own process, with the environment set by the parent."""

from __future__ import annotations

import importlib.util
import math
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # mypy sees the package; the child, run by path, imports its sibling
    from recommender.probe.children import _harness as h
else:
    import _harness as h

JAX2TF_NOTE = "jax2tf imports TensorFlow (about 2 s); run with --deep"


def check_import(ctx: h.Context) -> h.Outcome:
    return h.import_framework(ctx, jax="jax", jnp="jax.numpy")


def check_devices(ctx: h.Context) -> h.Outcome:
    jax = ctx.shared["jax"]
    devices = [
        {"kind": d.platform.upper(), "name": str(d), "device_kind": d.device_kind}
        for d in jax.devices()
    ]
    ctx.shared["devices"] = devices
    kinds: dict[str, int] = {}
    for d in devices:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    return h.ok(
        ", ".join(f"{k} x{n}" for k, n in kinds.items())
        + f" (default backend {jax.default_backend()})",
        devices=devices,
        backend=jax.default_backend(),
    )


def check_gpu(ctx: h.Context) -> h.Outcome:
    return h.accelerators(
        ctx, lambda d: f"{d['kind']}: {d['device_kind']}", "jax.devices() lists only CPU"
    )


def check_eager(ctx: h.Context) -> h.Outcome:
    jnp = ctx.shared["jnp"]
    return h.expect("(x * 3).sum() for x = [1, 2]", (jnp.array([1.0, 2.0]) * 3).sum(), 9.0)


def check_autograd(ctx: h.Context) -> h.Outcome:
    jax, jnp = ctx.shared["jax"], ctx.shared["jnp"]

    def f(x: Any) -> Any:  # a user-defined Python function with control flow
        return x**3 + jnp.sin(x) if x > 0 else -x

    return h.expect("d/dx (x^3 + sin x) at 2", jax.grad(f)(2.0), 12 + math.cos(2.0))


def check_higher_order(ctx: h.Context) -> h.Outcome:
    jax = ctx.shared["jax"]
    return h.expect("d2/dx2 x^3 at 2", jax.grad(jax.grad(lambda x: x**3))(2.0), 12.0)


def check_custom_gradient(ctx: h.Context) -> h.Outcome:
    jax = ctx.shared["jax"]

    @jax.custom_vjp
    def clipped(x: Any) -> Any:
        return x

    clipped.defvjp(lambda x: (x, None), lambda _, g: (0.5 * g,))
    return h.expect("jax.custom_vjp (custom rule 0.5)", jax.grad(clipped)(3.0), 0.5)


def check_jit(ctx: h.Context) -> h.Outcome:
    jax, jnp = ctx.shared["jax"], ctx.shared["jnp"]
    got = jax.jit(lambda x: jnp.sin(x) * x)(jnp.array([1.0]))[0]
    return h.expect("jax.jit sin(x)*x at 1", got, math.sin(1.0))


def check_vmap(ctx: h.Context) -> h.Outcome:
    jax, jnp = ctx.shared["jax"], ctx.shared["jnp"]
    got = jax.vmap(lambda row: (row * row).sum())(jnp.arange(6.0).reshape(2, 3))
    return h.expect("jax.vmap row sums of squares, row 2", got[1], 50.0)


def check_bf16(ctx: h.Context) -> h.Outcome:
    jnp = ctx.shared["jnp"]
    a = jnp.ones((4, 4), dtype=jnp.bfloat16)
    return h.expect("bfloat16 4x4 matmul", (a @ a)[0, 0].astype(jnp.float32), 4.0)


def check_export(ctx: h.Context) -> h.Outcome:
    jax, jnp = ctx.shared["jax"], ctx.shared["jnp"]
    from jax import export

    exported = export.export(jax.jit(lambda x: jnp.sin(x) * x))(
        jax.ShapeDtypeStruct((3,), jnp.float32)
    )
    blob = exported.serialize()
    got = export.deserialize(blob).call(jnp.ones(3, jnp.float32))[0]
    return h.expect(f"jax.export StableHLO ({len(blob)} bytes) round trip at 1", got, math.sin(1.0))


def check_jax2tf(ctx: h.Context) -> h.Outcome:
    if importlib.util.find_spec("tensorflow") is None:
        return h.unavailable("jax2tf needs TensorFlow, not installed")
    if not ctx.deep:
        return h.skipped(JAX2TF_NOTE)
    jnp = ctx.shared["jnp"]
    import tensorflow as tf
    from jax.experimental import jax2tf

    fn = tf.function(jax2tf.convert(lambda x: jnp.sin(x) * x), autograph=False)
    return h.expect(
        "jax2tf.convert sin(x)*x at 1, run by TF", fn(tf.ones(1))[0].numpy(), math.sin(1.0)
    )


def check_distributed(ctx: h.Context) -> h.Outcome:
    jax, jnp = ctx.shared["jax"], ctx.shared["jnp"]
    import numpy as np
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    mesh = Mesh(np.array(jax.devices()), ("d",))
    n = len(jax.devices())
    array = jax.device_put(jnp.ones(4 * n), NamedSharding(mesh, PartitionSpec("d")))
    return h.ok(
        f"jax.sharding: {len(array.sharding.device_set)} device(s) in the mesh, "
        f"{jax.process_count()} process(es)",
        devices=n,
    )


def check_benchmark(ctx: h.Context) -> h.Outcome:
    jax, jnp = ctx.shared["jax"], ctx.shared["jnp"]
    import numpy as np

    # numpy, not jax.random: each eager jax.random call compiles its own XLA program, which costs
    # more than the steps
    rng = np.random.default_rng(0)
    params = [
        jnp.asarray(a, jnp.float32)
        for a in (
            rng.normal(0, 0.1, (64, 128)),
            np.zeros(128),
            rng.normal(0, 0.1, (128, 10)),
            np.zeros(10),
        )
    ]
    x, y = (
        jnp.asarray(rng.normal(size=(64, 64)), jnp.float32),
        jnp.asarray(rng.normal(size=(64, 10)), jnp.float32),
    )

    def loss_fn(p: Any) -> Any:
        w1, b1, w2, b2 = p
        return jnp.mean((jax.nn.relu(x @ w1 + b1) @ w2 + b2 - y) ** 2)

    @jax.jit
    def update(p: Any) -> Any:
        loss, grads = jax.value_and_grad(loss_fn)(p)
        return [w - 0.01 * g for w, g in zip(p, grads, strict=True)], loss

    state = {"p": params}

    def step() -> Any:
        state["p"], loss = update(state["p"])
        return loss

    with h.serialized(ctx.lock):
        return h.time_steps(step, lambda loss: loss.block_until_ready(), label="jax.jit")


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
    "jax2tf": check_jax2tf,
    "distributed": check_distributed,
    "benchmark": check_benchmark,
}

# jaxlib is CPU-only; CUDA, ROCm and TPU come as plugin distributions named after the CUDA major
PLUGINS = (
    "jax-cuda13-plugin", "jax-cuda13-pjrt", "jax-cuda12-plugin", "jax-cuda12-pjrt",
    "jax-rocm7-plugin", "jax-rocm7-pjrt", "jax-rocm6-plugin", "jax-rocm6-pjrt", "libtpu",
)  # fmt: skip


def build(ctx: h.Context) -> dict[str, Any]:
    """jaxlib's version and the accelerator plugins beside it (their names give the CUDA major)."""
    import importlib.metadata as md

    plugins = {}
    for name in PLUGINS:
        try:
            plugins[name] = md.version(name)
        except md.PackageNotFoundError:
            continue
    cuda = next((n.split("-")[1][4:] for n in plugins if n.startswith("jax-cuda")), None)
    rocm = next((n.split("-")[1][4:] for n in plugins if n.startswith("jax-rocm")), None)
    jaxlib = getattr(sys.modules.get("jaxlib.version"), "__version__", None)  # the one jax loaded
    return {"cuda": cuda, "rocm": rocm, "cudnn": None, "jaxlib": jaxlib, "plugins": plugins}


if __name__ == "__main__":
    h.main(CHECKS, build=build)
