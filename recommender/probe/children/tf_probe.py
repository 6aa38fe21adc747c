"""Child probe for TensorFlow: run by path in its own process, in the environment the parent set."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # mypy sees the package; the child, run by path, imports its sibling
    from recommender.probe.children import _harness as h
else:
    import _harness as h


def check_import(ctx: h.Context) -> h.Outcome:
    return h.import_framework(ctx, tf="tensorflow")


def check_devices(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    devices = [{"kind": d.device_type, "name": d.name} for d in tf.config.list_physical_devices()]
    ctx.shared["devices"] = devices
    kinds: dict[str, int] = {}
    for d in devices:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    detail = ", ".join(f"{k} x{n}" for k, n in kinds.items())
    if not tf.test.is_built_with_cuda():
        detail += " (this build has no CUDA)"
    return h.ok(detail, devices=devices, built_with_cuda=bool(tf.test.is_built_with_cuda()))


def check_gpu(ctx: h.Context) -> h.Outcome:
    # TF answers an empty list, not an error, when it cannot load CUDA
    return h.accelerators(
        ctx, lambda d: d["name"], "tf.config.list_physical_devices lists no GPU or TPU"
    )


def check_eager(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    if not tf.executing_eagerly():
        return h.failed("tf.executing_eagerly() is False")
    return h.expect(
        "reduce_sum(x * 3) for x = [1, 2]", tf.reduce_sum(tf.constant([1.0, 2.0]) * 3).numpy(), 9.0
    )


def check_autograd(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]

    def f(x: Any) -> Any:  # a user-defined Python function with control flow
        return x**3 + tf.sin(x) if x > 0 else -x

    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = f(x)
    return h.expect("d/dx (x^3 + sin x) at 2", tape.gradient(y, x).numpy(), 12 + math.cos(2.0))


def check_higher_order(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**3
        g = inner.gradient(y, x)
    return h.expect("d2/dx2 x^3 at 2", outer.gradient(g, x).numpy(), 12.0)


def check_custom_gradient(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]

    @tf.custom_gradient
    def clipped(x: Any) -> Any:
        return tf.identity(x), lambda g: 0.5 * g

    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = clipped(x)
    return h.expect("tf.custom_gradient (custom rule 0.5)", tape.gradient(y, x).numpy(), 0.5)


def check_jit(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    fn = tf.function(lambda x: tf.sin(x) * x, jit_compile=True)
    return h.expect(
        "tf.function(jit_compile=True) sin(x)*x at 1",
        fn(tf.constant([1.0])).numpy()[0],
        math.sin(1.0),
    )


def check_vmap(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    got = tf.vectorized_map(lambda row: tf.reduce_sum(row * row), tf.reshape(tf.range(6.0), (2, 3)))
    return h.expect("tf.vectorized_map row sums of squares, row 2", got[1].numpy(), 50.0)


def check_bf16(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    a = tf.ones((4, 4), dtype=tf.bfloat16)
    return h.expect("bfloat16 4x4 matmul", tf.cast(tf.matmul(a, a)[0, 0], tf.float32).numpy(), 4.0)


def _module(tf: Any) -> Any:
    module: Any = tf.Module

    class Linear(module):
        """A 4 -> 2 linear layer with a fixed signature: the smallest exportable model."""

        def __init__(self) -> None:
            super().__init__()
            self.w = tf.Variable(tf.ones((4, 2)))

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
        def __call__(self, x: Any) -> Any:
            return tf.matmul(x, self.w)

    return Linear()


def check_savedmodel(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    module = _module(tf)
    path = ctx.tmp / "savedmodel"
    tf.saved_model.save(module, str(path))
    got = tf.saved_model.load(str(path))(tf.ones((1, 4))).numpy()[0, 0]
    ctx.shared["module"] = module
    return h.expect("tf.saved_model save + load, output", got, 4.0)


def check_tflite(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    module = ctx.shared.get("module") or _module(tf)
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [module.__call__.get_concrete_function()], module
    )
    flatbuffer = converter.convert()
    return h.ok(
        f"tf.lite.TFLiteConverter (LiteRT format): {len(flatbuffer)} bytes", bytes=len(flatbuffer)
    )


def check_distributed(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    strategy = tf.distribute.MirroredStrategy()
    return h.ok(
        f"tf.distribute.MirroredStrategy: {strategy.num_replicas_in_sync} replica(s)",
        replicas=strategy.num_replicas_in_sync,
    )


def check_benchmark(ctx: h.Context) -> h.Outcome:
    tf = ctx.shared["tf"]
    tf.random.set_seed(0)
    w1, b1 = tf.Variable(tf.random.normal((64, 128), stddev=0.1)), tf.Variable(tf.zeros(128))
    w2, b2 = tf.Variable(tf.random.normal((128, 10), stddev=0.1)), tf.Variable(tf.zeros(10))
    params = [w1, b1, w2, b2]
    x, y = tf.random.normal((64, 64)), tf.random.normal((64, 10))

    @tf.function
    def step() -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2 - y) ** 2)
        # strict= would break autograph, which converts zip inside tf.function
        for p, g in zip(params, tape.gradient(loss, params)):  # noqa: B905
            p.assign_sub(0.01 * g)
        return loss

    with h.serialized(ctx.lock):
        return h.time_steps(step, lambda loss: loss.numpy(), label="tf.function")


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
    "savedmodel": check_savedmodel,
    "tflite": check_tflite,
    "distributed": check_distributed,
    "benchmark": check_benchmark,
}


def build(ctx: h.Context) -> dict[str, Any]:
    """The CUDA (or ROCm) and cuDNN versions this TensorFlow was built with, from its build info."""
    info = dict(ctx.shared["tf"].sysconfig.get_build_info())
    return {
        "cuda": info.get("cuda_version") if info.get("is_cuda_build") else None,
        "rocm": info.get("rocm_version") if info.get("is_rocm_build") else None,
        "cudnn": info.get("cudnn_version") if info.get("is_cuda_build") else None,
    }


if __name__ == "__main__":
    h.main(CHECKS, build=build)
