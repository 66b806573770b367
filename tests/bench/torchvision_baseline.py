#!/usr/bin/python3
"""torchvision's standard input pipeline on a class-per-folder tree, for bench-preprocess.

usage: torchvision_baseline.py DIR SIZE [WORKERS] [EPOCHS]

ImageFolder + DataLoader(batch 64, shuffled, WORKERS processes) with RandomResizedCrop(SIZE),
RandomHorizontalFlip, ToTensor and Normalize. Prints images/s over all epochs on the last line.
Run it with Debian's /usr/bin/python3 (python3-torchvision)."""
import sys
import time

import torch
import torchvision.transforms as T
from torchvision.datasets import ImageFolder


def main():
    root, size = sys.argv[1], int(sys.argv[2])
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    transform = T.Compose([T.RandomResizedCrop(size), T.RandomHorizontalFlip(), T.ToTensor(),
                           T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    dataset = ImageFolder(root, transform=transform)
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True, num_workers=workers)
    images = 0
    start = time.perf_counter()
    for _ in range(epochs):
        for batch, _labels in loader:
            images += batch.shape[0]
    elapsed = time.perf_counter() - start
    print(f"torchvision workers={workers} size={size}: {images} images in {elapsed:.2f}s = {images / elapsed:.1f} img/s")


if __name__ == "__main__":
    main()
