#!/usr/bin/python3
"""Checks tandem-agent's ResNet-18 export against torchvision (run by tst_resnet_export).

usage: check_resnet_export.py DIR
DIR holds weights.pt (the agent's Weights message), pixels.u8 (uint8 NHWC input of the Infer batch),
logits.f32 (the agent's float32 row-major logits for it) and meta.json (shape, classes, mean, std).
Loads the weights into torchvision.models.resnet18 with strict=True, normalises the input exactly
like the agent ((x/255 - mean)/std per channel, NHWC -> NCHW), and compares logits.
Exit 0 when the largest absolute difference is <= 1e-4.
"""
import io
import json
import pathlib
import sys

import numpy as np
import torch
import torchvision

TOLERANCE = 1e-4


def main() -> int:
    folder = pathlib.Path(sys.argv[1])
    meta = json.loads((folder / "meta.json").read_text())
    n, h, w, c, classes = (meta[k] for k in ("count", "height", "width", "channels", "classes"))
    data = (folder / "weights.pt").read_bytes()

    state = torch.load(io.BytesIO(data))
    if not isinstance(state, dict):
        print(f"FAIL: torch.load returned {type(state).__name__}, not a dict")
        return 1
    # torch >= 2.6 loads with weights_only=True by default: the export must pass that loader too.
    try:
        torch.load(io.BytesIO(data), weights_only=True)
    except Exception as error:  # noqa: BLE001 - report whatever the restricted loader rejects
        print(f"FAIL: torch.load(weights_only=True) rejects the export: {error}")
        return 1

    model = torchvision.models.resnet18(num_classes=classes)
    if c == 1:
        model.conv1 = torch.nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
    expected_keys = list(model.state_dict().keys())
    if list(state.keys()) != expected_keys:
        missing = set(expected_keys) - set(state)
        extra = set(state) - set(expected_keys)
        print(f"FAIL: state dict keys differ (missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}, or order)")
        return 1
    model.load_state_dict(state, strict=True)
    model.eval()

    pixels = np.fromfile(folder / "pixels.u8", dtype=np.uint8).reshape(n, h, w, c)
    x = torch.from_numpy(pixels).permute(0, 3, 1, 2).float()
    mean = torch.tensor(meta["mean"][:c], dtype=torch.float32).view(1, c, 1, 1)
    std = torch.tensor(meta["std"][:c], dtype=torch.float32).view(1, c, 1, 1)
    x = (x / 255.0 - mean) / std
    with torch.no_grad():
        logits = model(x).numpy()

    agent = np.fromfile(folder / "logits.f32", dtype=np.float32).reshape(n, classes)
    diff = float(np.abs(logits - agent).max())
    steps = int(state["bn1.num_batches_tracked"])
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}: {len(state)} tensors loaded "
          f"strictly (bn1.num_batches_tracked={steps}); logits max abs diff {diff:.3g} (tolerance {TOLERANCE})")
    return 0 if diff <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
