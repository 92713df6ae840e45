#!/usr/bin/env python3
"""Run a gradlab model in PyTorch (or plain numpy): no gradlab needed.

    python3 scripts/load_in_pytorch.py model.safetensors 39.5 500
    python3 scripts/load_in_pytorch.py --numpy --json model.safetensors 39.5 500

The inputs are raw values in the order of the model's input columns (for the
fever example: temp_c, dose_mg). The script reads the weights with
safetensors, rebuilds the network from the metadata JSON stored under
__metadata__["gradlab"] (layer sizes, activations, the fitted scalers), and
prints the prediction in the target's units (regression) or the class and
its probabilities (classification).

Needs `pip install safetensors numpy` and, for the PyTorch path, torch. Without
torch (or with --numpy) the same computation runs in numpy.
"""

import argparse
import json
import math
import sys

import numpy as np

LEAKY_RELU_SLOPE = 0.01
LECUN_AMPLITUDE, LECUN_GAIN = 1.7159, 2.0 / 3.0


def nonzero(spread):
    """A range or standard deviation of 0 is used as 1 (as gradlab does)."""
    return 1.0 if spread == 0 else spread


def scale(scaler, column, x):
    """Scales raw value x of input column `column` (gradlab's Scaler)."""
    kind = scaler["kind"]
    if kind == "minmax":
        lo, hi = scaler["low"], scaler["high"]
        mn, mx = scaler["min"][column], scaler["max"][column]
        return lo + (x - mn) / nonzero(mx - mn) * (hi - lo)
    if kind == "standard":
        return (x - scaler["mean"][column]) / nonzero(scaler["std"][column])
    if kind == "identity":
        return x
    raise ValueError(f"unknown scaler kind {kind!r}")


def unscale(scaler, column, s):
    """Turns scaled value s back into the units of column `column`."""
    kind = scaler["kind"]
    if kind == "minmax":
        lo, hi = scaler["low"], scaler["high"]
        mn, mx = scaler["min"][column], scaler["max"][column]
        return mn + (s - lo) / (hi - lo) * nonzero(mx - mn)
    if kind == "standard":
        return scaler["mean"][column] + s * nonzero(scaler["std"][column])
    if kind == "identity":
        return s
    raise ValueError(f"unknown scaler kind {kind!r}")


def numpy_activation(name, z):
    """gradlab's activations (crates/gradlab/src/nn/activation.rs) in numpy."""
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky-relu":
        return np.where(z > 0, z, z * z.dtype.type(LEAKY_RELU_SLOPE))
    if name == "linear":
        return z
    if name == "lecun-tanh":
        return z.dtype.type(LECUN_AMPLITUDE) * np.tanh(z * z.dtype.type(LECUN_GAIN))
    if name == "elu":
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    raise ValueError(f"unknown activation {name!r}")


def run_numpy(path, architecture, x):
    """The network's raw output (before softmax) for scaled inputs x, in numpy."""
    from safetensors.numpy import load_file

    tensors = load_file(path)
    dtype = tensors["layers.0.weight"].dtype
    a = np.asarray(x).astype(dtype)
    layers = len(architecture["sizes"]) - 1
    for i in range(layers):
        # nn.Linear: z = a · Wᵀ + b, with W of shape [out, in].
        z = a @ tensors[f"layers.{i}.weight"].T + tensors[f"layers.{i}.bias"]
        a = numpy_activation(activation_of(architecture, i), z)
    return [float(v) for v in a]


def activation_of(architecture, layer):
    """The activation after dense layer `layer`; the output layer is linear."""
    hidden = architecture["hidden_activations"]
    return hidden[layer] if layer < len(hidden) else "linear"


def run_torch(path, architecture, x):
    """The network's raw output (before softmax) for scaled inputs x, in PyTorch."""
    import torch
    from safetensors.torch import load_file

    class LecunTanh(torch.nn.Module):
        """LeCun's 1.7159 · tanh(2x/3)."""

        def forward(self, z):
            return LECUN_AMPLITUDE * torch.tanh(LECUN_GAIN * z)

    modules = {
        "sigmoid": torch.nn.Sigmoid,
        "tanh": torch.nn.Tanh,
        "relu": torch.nn.ReLU,
        "leaky-relu": lambda: torch.nn.LeakyReLU(LEAKY_RELU_SLOPE),
        "lecun-tanh": LecunTanh,
        "elu": torch.nn.ELU,
    }
    tensors = load_file(path)
    sizes = architecture["sizes"]
    layers = []
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        layers.append(linear)
        name = activation_of(architecture, i)
        if name != "linear":
            layers.append(modules[name]())
    # nn.Sequential numbers its modules 0, 1, 2, …: load the Linear layers by hand.
    dtype = tensors["layers.0.weight"].dtype
    network = torch.nn.Sequential(*layers).to(dtype)
    with torch.no_grad():
        linears = [m for m in network if isinstance(m, torch.nn.Linear)]
        for i, linear in enumerate(linears):
            linear.weight.copy_(tensors[f"layers.{i}.weight"])
            linear.bias.copy_(tensors[f"layers.{i}.bias"])
        output = network(torch.tensor([x], dtype=dtype))[0]
    return [float(v) for v in output]


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a gradlab .safetensors model file")
    parser.add_argument("inputs", nargs="+", type=float, help="raw input values, in the model's input column order")
    parser.add_argument("--numpy", action="store_true", help="use numpy even when torch is installed")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args()

    use_torch = not args.numpy
    if use_torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("torch is not installed: using numpy", file=sys.stderr)
            use_torch = False

    from safetensors import safe_open

    with safe_open(args.model, framework="pt" if use_torch else "np") as f:
        info = json.loads(f.metadata()["gradlab"])
    columns = info["input_columns"]
    if len(args.inputs) != len(columns):
        sys.exit(f"the model takes {len(columns)} inputs ({', '.join(columns)}), got {len(args.inputs)}")

    x = [scale(info["input_scaler"], j, v) for j, v in enumerate(args.inputs)]
    run = run_torch if use_torch else run_numpy
    output = run(args.model, info["architecture"], x)

    if info["task"] == "regression":
        value = unscale(info["target_scaler"], 0, output[0])
        result = {"target": info["target_column"], "prediction": value}
        text = f"{info['target_column']} = {value!r}"
    else:
        # gradlab applies the softmax in the model's precision; doing it in
        # float64 here differs by float32 rounding at most.
        probabilities = softmax(output)
        labels = info["labels"]
        best = max(range(len(labels)), key=lambda k: probabilities[k])
        result = {"target": info["target_column"], "prediction": labels[best],
                  "labels": labels, "probabilities": probabilities}
        text = f"{info['target_column']} = {labels[best]}\n" + "\n".join(
            f"  {label:>12}: {p:.6f}" for label, p in zip(labels, probabilities))
    result["engine"] = "torch" if use_torch else "numpy"
    print(json.dumps(result) if args.json else text)


if __name__ == "__main__":
    main()
