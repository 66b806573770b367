#!/usr/bin/env python3
"""(b) of the GPU check: the plain PyTorch training loop that tandem-agent is measured against.

ResNet-18 (torchvision's when importable, else the same network defined below), SGD with
momentum, bf16 autocast, channels_last, batches of uint8 NHWC images that are already on the
device (fixed random data), converted and normalised there, as the agent receives them.

  bench_pytorch.py [--size 224] [--batch 64] [--steps 300] [--warmup 30] [--device cuda]
                   [--precision bf16|fp32] [--classes 3] [--json OUT]
"""

import argparse
import json
import sys
import time

import torch
from torch import nn

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
DISTINCT_BATCHES = 4   # cycled, like the replay's recorded batches


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet18(nn.Module):
    """torchvision.models.resnet18's architecture, for machines without torchvision."""

    def __init__(self, num_classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                                  nn.MaxPool2d(3, 2, 1))
        layers, inplanes = [], 64
        for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes)]
            inplanes = planes
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def resnet18(num_classes):
    try:
        import torchvision
        return torchvision.models.resnet18(num_classes=num_classes), "torchvision"
    except ImportError:
        return ResNet18(num_classes), "defined here"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--precision", default="bf16", choices=("bf16", "fp32"))
    parser.add_argument("--classes", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    if not 0 < args.warmup < args.steps:
        parser.error("--warmup must be between 0 and --steps")

    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    model, origin = resnet18(args.classes)
    model = model.to(device, memory_format=torch.channels_last).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (DISTINCT_BATCHES, args.batch, args.size, args.size, 3), dtype=torch.uint8,
                           generator=generator).to(device)
    labels = torch.randint(0, args.classes, (DISTINCT_BATCHES, args.batch), generator=generator).to(device)
    mean = torch.tensor(MEAN, device=device).view(1, 3, 1, 1) * 255
    std = torch.tensor(STD, device=device).view(1, 3, 1, 1) * 255
    autocast = torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.precision == "bf16")

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def step(i):
        x = images[i % DISTINCT_BATCHES].permute(0, 3, 1, 2).float().sub_(mean).div_(std)
        x = x.contiguous(memory_format=torch.channels_last)
        with autocast:
            loss = loss_fn(model(x), labels[i % DISTINCT_BATCHES])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss

    for i in range(args.warmup):
        step(i)
    sync()
    started = time.perf_counter()
    for i in range(args.warmup, args.steps):
        loss = step(i)
    sync()
    elapsed = time.perf_counter() - started
    rate = (args.steps - args.warmup) * args.batch / elapsed
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"(b) plain PyTorch loop: {rate:.1f} images/s ({args.steps - args.warmup} steps of {args.batch} after "
          f"{args.warmup} warm-up; ResNet-18 {origin}, {args.precision}, channels_last, {name}, "
          f"torch {torch.__version__}, last loss {loss.item():.3f})")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"images_per_s": rate, "device": name, "torch": torch.__version__, "model": origin}, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
