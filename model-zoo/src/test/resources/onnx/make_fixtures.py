#!/usr/bin/env python3
"""Writes the ONNX fixtures of the import tests, with PyTorch's outputs on fixed inputs.

Run once by hand when the fixtures change (the tests never run Python):
    apt-get install python3-torch      # Debian's PyTorch; no onnx package needed
    /usr/bin/python3 model-zoo/src/test/resources/onnx/make_fixtures.py

For each network it writes NAME.onnx and NAME.expected.json:
  input          the fixed input batch, flat, shape input_shape (N, C, H, W)
  logits         PyTorch's clean outputs, flat, shape (N, classes)
  sites          for a few tensors of the exported graph (a convolution's output, an add, the last
                 linear layer): the ONNX tensor name, a flat per-image index and the bit flipped
                 there in every image of the batch (IEEE-754 float32, as FlipStorm's fp32 flip),
                 and PyTorch's logits with that flip.
Weights, batch-norm statistics and inputs come from fixed seeds. Both networks take Fashion-MNIST's
1 x 28 x 28 images, so a campaign can run on an imported one with the bundled test sample.
"""
import json
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class Add(nn.Module):
    """a + b as a module, so that a hook can reach the sum."""

    def forward(self, a, b):
        return a + b


class Block(nn.Module):
    """A ResNet basic block; a strided one has a 1x1 convolution on its shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.add = Add()

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(self.add(y, x if self.short is None else self.short(x)))


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, 1, 1, bias=True), nn.BatchNorm2d(8), nn.ReLU())
        self.pool = nn.MaxPool2d(2, 2)
        self.layer1 = Block(8, 8, 1)
        self.layer2 = Block(8, 16, 2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(self.pool(self.stem(x))))
        return self.fc(self.drop(torch.flatten(self.gap(x), 1)))


class TinyMobileNet(nn.Module):
    """Depthwise-separable convolutions with ReLU6, average pooling, two concatenated branches."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(8, 16, 3, 1, 1, groups=8, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.pw = nn.Sequential(nn.Conv2d(16, 16, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.avg = nn.AvgPool2d(2, 2)
        self.a = nn.Conv2d(16, 8, 1)
        self.b = nn.Conv2d(16, 8, 3, 1, 1)
        self.flat_fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = self.avg(self.pw(self.dw(self.stem(x))))
        x = torch.cat([self.a(x), self.b(x)], 1)
        return self.flat_fc(torch.flatten(x, 1))


def randomize_batch_norm(net, gen):
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.2, 0.2, generator=gen)
                m.running_mean.uniform_(-0.2, 0.2, generator=gen)
                m.running_var.uniform_(0.5, 2.0, generator=gen)


def flip(t, index, bit):
    """t with bit `bit` of flat per-image element `index` inverted in every image."""
    t = t.clone()
    flat = t.reshape(t.shape[0], -1)
    raw = flat[:, index].contiguous().view(torch.int32)
    flat[:, index] = (raw ^ (1 << bit) if bit < 31 else raw ^ torch.iinfo(torch.int32).min).view(torch.float32)
    return flat.reshape(t.shape)


def write(name, net, sites, input_shape):
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(11)
    for p in net.parameters():
        with torch.no_grad():
            p.uniform_(-0.5, 0.5, generator=gen)
    randomize_batch_norm(net, gen)
    net.eval()
    x = torch.rand(input_shape, generator=gen)
    path = os.path.join(HERE, name + ".onnx")
    # Training mode kept as in eval, no constant folding: batch norm stays a BatchNormalization node.
    torch.onnx.export(net, x, path, input_names=["input"], output_names=["logits"], opset_version=13,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    with torch.no_grad():
        clean = net(x)
        forced = []
        for module_name, tensor, index, bit in sites:
            module = dict(net.named_modules())[module_name]
            handle = module.register_forward_hook(lambda m, i, o: flip(o, index, bit))
            out = net(x)
            handle.remove()
            forced.append({"tensor": tensor, "module": module_name, "index": index, "bit": bit,
                           "logits": out.flatten().tolist()})
    expected = {"input_shape": list(input_shape), "input": x.flatten().tolist(), "logits": clean.flatten().tolist(),
                "classes": clean.shape[1], "torch": torch.__version__, "sites": forced}
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(expected, f)
    print(name, os.path.getsize(path), "bytes of ONNX")


def main():
    # Tensor names are the exporter's (torch 1.13: the module path and the operator); the tests
    # look each one up in the imported graph.
    write("tiny-resnet", TinyResNet(), [
        ("stem.0", "/stem/stem.0/Conv_output_0", 37, 26),
        ("layer2.add", "/layer2/add/Add_output_0", 5, 23),
        ("fc", "logits", 3, 30),
    ], (2, 1, 28, 28))
    write("tiny-mobilenet", TinyMobileNet(), [
        ("dw.0", "/dw/dw.0/Conv_output_0", 100, 25),
        ("b", "/b/Conv_output_0", 11, 24),
        ("flat_fc", "logits", 7, 31),
    ], (2, 1, 28, 28))


if __name__ == "__main__":
    sys.exit(main())
