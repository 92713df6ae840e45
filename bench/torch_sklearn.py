#!/usr/bin/env python3
"""PyTorch (CPU) and scikit-learn training the reference workloads of
`gradlab bench`, timed; prints samples per second as one JSON line.

    python3 bench/torch_sklearn.py [THREADS]            # PyTorch on THREADS threads (default 2)
    python3 bench/torch_sklearn.py --only sklearn --rows 2000

The workloads are those of `crates/gradlab/src/bench.rs`, plain SGD without
momentum or weight decay, with reshuffling every epoch:

    tiny_reg   2 -> 16 tanh -> 1, MSE                 10,000 rows, batch 32, 20 epochs, lr 0.05
    tiny_cls   2 -> 16 tanh -> 3, softmax CE          10,000 rows, batch 32, 20 epochs, lr 0.05
    large_cls  64 -> 6 x 1000 relu -> 10, softmax CE   4,096 rows, batch 128, 2 epochs, lr 0.01

The data follow the same description as gradlab's (numpy's generator, seed
0, draws its own values): two inputs uniform on [36, 41] x [0, 1000],
min-max scaled, target 0.8*x0 - 0.3*x1*x0 (classes: below 0.2, below 0.4,
else); for large_cls 64 standard-normal inputs and 10 uniform classes.

Timed: the training loop alone (PyTorch: every epoch's permutation and
every step; scikit-learn: one `fit`). Not timed: making the data, and for
PyTorch the network and the input tensors.

The JSON line has `torch_<workload>` and `sklearn_<workload>` (samples per
second, rounded), the keys `bench/ratios.py` reads. THREADS sets PyTorch's
intra-op threads (`torch.set_num_threads`); scikit-learn runs on numpy's
BLAS with its own default threads.

Needs numpy, scikit-learn and torch: `pip install torch scikit-learn`.
"""

import argparse
import json
import sys
import time
import warnings

TINY = {"rows": 10_000, "batch": 32, "epochs": 20, "lr": 0.05}
LARGE = {"rows": 4096, "batch": 128, "epochs": 2, "lr": 0.01}
WORKLOADS = ["tiny_reg", "tiny_cls", "large_cls"]
FRAMEWORKS = ["torch", "sklearn"]
INSTALL = "pip install torch scikit-learn"


def import_or_exit(module, frameworks):
    """Imports `module`, or says how to install what is missing and exits 1."""
    try:
        return __import__(module)
    except ImportError:
        needed = ", ".join(frameworks)
        print(
            f"error: {sys.executable} cannot import {module} (needed for {needed}); "
            f"install it with `{INSTALL}` (or choose another interpreter)",
            file=sys.stderr,
        )
        sys.exit(1)


def fever_like(np, rng, rows):
    """Two min-max scaled inputs, a regression target and its 3 classes."""
    x = rng.uniform([36.0, 0.0], [41.0, 1000.0], size=(rows, 2)).astype(np.float32)
    x = (x - x.min(0)) / (x.max(0) - x.min(0))
    y = (x[:, :1] * 0.8 - 0.3 * x[:, 1:2] * x[:, :1]).astype(np.float32)
    classes = np.digitize(y.ravel(), [0.2, 0.4]).astype(np.int64)
    return x, y, classes


def random_classes(np, rng, rows):
    """64 standard-normal inputs and 10 uniform classes."""
    x = rng.standard_normal((rows, 64)).astype(np.float32)
    classes = rng.integers(0, 10, rows).astype(np.int64)
    return x, classes


def torch_rate(torch, x, y, sizes, activation, loss, settings):
    """Samples per second of PyTorch's plain SGD on (x, y)."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(activation())
    net = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(net.parameters(), lr=settings["lr"])
    inputs = torch.tensor(x, dtype=torch.float32)
    targets = torch.tensor(y)
    rows, batch, epochs = len(x), settings["batch"], settings["epochs"]
    started = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(rows)
        for start in range(0, rows, batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            loss(net(inputs[index]), targets[index]).backward()
            optimizer.step()
    return rows * epochs / (time.perf_counter() - started)


def sklearn_rate(x, y, hidden, activation, settings, classify):
    """Samples per second of scikit-learn's MLP with plain SGD on (x, y)."""
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    model_type = MLPClassifier if classify else MLPRegressor
    model = model_type(
        hidden_layer_sizes=hidden,
        activation=activation,
        solver="sgd",
        batch_size=settings["batch"],
        max_iter=settings["epochs"],
        learning_rate_init=settings["lr"],
        momentum=0.0,
        alpha=0.0,
        tol=0,
        n_iter_no_change=10**9,
        shuffle=True,
        random_state=0,
    )
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "did not converge": every epoch is run on purpose
        model.fit(x, y)
    return len(x) * settings["epochs"] / (time.perf_counter() - started)


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("threads", nargs="?", type=int, default=2, help="PyTorch's threads (default 2)")
    parser.add_argument("--only", choices=FRAMEWORKS, help="time one framework only")
    parser.add_argument(
        "--rows", type=int, help="at most this many rows per workload (a quick check; default: the workloads' own)"
    )
    args = parser.parse_args()
    if args.threads < 1:
        parser.error("THREADS must be at least 1")
    if args.rows is not None and args.rows < 1:
        parser.error("--rows must be at least 1")
    return args


def main():
    args = parse_args()
    frameworks = [args.only] if args.only else FRAMEWORKS
    np = import_or_exit("numpy", frameworks)
    if "torch" in frameworks:
        torch = import_or_exit("torch", ["PyTorch"])
        torch.set_num_threads(args.threads)
    if "sklearn" in frameworks:
        import_or_exit("sklearn", ["scikit-learn"])

    def sized(settings):
        rows = settings["rows"] if args.rows is None else min(args.rows, settings["rows"])
        return dict(settings, rows=rows)

    tiny, large = sized(TINY), sized(LARGE)
    rng = np.random.default_rng(0)
    x, y, classes = fever_like(np, rng, tiny["rows"])
    x_large, classes_large = random_classes(np, rng, large["rows"])

    results = {}
    if "torch" in frameworks:
        nn = torch.nn
        results["torch_tiny_reg"] = torch_rate(torch, x, y, [2, 16, 1], nn.Tanh, nn.MSELoss(), tiny)
        results["torch_tiny_cls"] = torch_rate(torch, x, classes, [2, 16, 3], nn.Tanh, nn.CrossEntropyLoss(), tiny)
        results["torch_large_cls"] = torch_rate(
            torch, x_large, classes_large, [64] + [1000] * 6 + [10], nn.ReLU, nn.CrossEntropyLoss(), large
        )
    if "sklearn" in frameworks:
        results["sklearn_tiny_reg"] = sklearn_rate(x, y.ravel(), (16,), "tanh", tiny, classify=False)
        results["sklearn_tiny_cls"] = sklearn_rate(x, classes, (16,), "tanh", tiny, classify=True)
        results["sklearn_large_cls"] = sklearn_rate(
            x_large, classes_large, (1000,) * 6, "relu", large, classify=True
        )
    order = [f"{f}_{w}" for w in WORKLOADS for f in FRAMEWORKS]
    print(json.dumps({key: round(results[key]) for key in order if key in results}))


if __name__ == "__main__":
    main()
