"""Compares the gradient written by `gradlab grad` with PyTorch autograd on
the same weights and rows. Not part of `cargo test` (which needs no Python).

    gradlab grad --model m.safetensors --data d.csv --out g.safetensors
    python3 torch_grad.py m.safetensors d.csv g.safetensors [--f32]

The rows are scaled with the scalers stored in the model file, the network
is rebuilt in torch from the model's metadata, and the mean cost (MSE on the
scaled target, or the softmax cross-entropy) is differentiated by autograd,
in f64 (or in f32 with --f32). Prints, per tensor, the largest absolute
difference and ‖gradlab − torch‖ / (‖gradlab‖ + ‖torch‖).
"""
import csv
import json
import sys

import numpy as np
import torch
from safetensors import safe_open

LEAKY_RELU_SLOPE = 0.01
ACTIVATIONS = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "leaky-relu": lambda z: torch.nn.functional.leaky_relu(z, LEAKY_RELU_SLOPE),
    "linear": lambda z: z,
    "lecun-tanh": lambda z: 1.7159 * torch.tanh(2.0 * z / 3.0),
}


def scale(scaler, column, values):
    """gradlab's Scaler::transform_value, for one column."""
    kind = scaler["kind"]
    if kind == "standard":
        return (values - scaler["mean"][column]) / (scaler["std"][column] or 1.0)
    if kind.startswith("minmax"):
        low, high = scaler["low"], scaler["high"]
        spread = (scaler["max"][column] - scaler["min"][column]) or 1.0
        return low + (values - scaler["min"][column]) / spread * (high - low)
    return values


def main():
    model_path, data_path, grad_path = sys.argv[1:4]
    dtype = torch.float32 if "--f32" in sys.argv else torch.float64
    with safe_open(model_path, "pt") as f:
        meta = json.loads(f.metadata()["gradlab"])
        params = {k: f.get_tensor(k).to(dtype).requires_grad_(True) for k in f.keys()}
    with safe_open(grad_path, "pt") as f:
        ours = {k: f.get_tensor(k).to(torch.float64) for k in f.keys()}
    with open(data_path, newline="") as f:
        rows = list(csv.DictReader(f))

    columns = [
        scale(meta["input_scaler"], j, np.array([float(r[c]) for r in rows]))
        for j, c in enumerate(meta["input_columns"])
    ]
    a = torch.tensor(np.stack(columns, axis=1), dtype=dtype)
    architecture = meta["architecture"]
    layers = len(architecture["sizes"]) - 1
    for i in range(layers):
        z = a @ params[f"layers.{i}.weight"].T + params[f"layers.{i}.bias"]
        a = ACTIVATIONS[architecture["hidden_activations"][i]](z) if i < layers - 1 else z
    target = meta["target_column"]
    if architecture["loss"] == "mse":
        y = scale(meta["target_scaler"], 0, np.array([float(r[target]) for r in rows]))
        cost = ((a - torch.tensor(y, dtype=dtype)[:, None]) ** 2).mean()
    else:
        y = torch.tensor([meta["labels"].index(r[target]) for r in rows])
        cost = torch.nn.functional.cross_entropy(a, y)
    cost.backward()

    print(f"{model_path}: {architecture['sizes']} {meta['task']}, {len(rows)} rows, "
          f"torch {dtype} cost {cost.item():.10g}")
    worst = 0.0
    for name in sorted(ours):
        mine, theirs = ours[name], params[name].grad.to(torch.float64)
        assert mine.shape == theirs.shape, name
        largest = (mine - theirs).abs().max().item()
        relative = ((mine - theirs).norm() / (mine.norm() + theirs.norm())).item()
        worst = max(worst, relative)
        print(f"  {name:16s} {str(list(mine.shape)):8s} max |gradlab − torch| {largest:.2e}"
              f"   relative {relative:.2e}")
    print(f"  largest relative difference {worst:.2e}")


if __name__ == "__main__":
    main()
