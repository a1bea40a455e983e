#!/usr/bin/env python3
"""Writes a Keras 2 HDF5 model fixture with h5py and numpy alone (no Keras needed), and its outputs.

Run once by hand when the fixture changes (the tests never run Python):
    apt-get install python3-h5py
    /usr/bin/python3 model-zoo/src/test/resources/keras/make_fixture.py

tiny-cnn.h5 is the file `model.save("tiny-cnn.h5")` writes for this Sequential model (Keras 2.x
layout: model_config JSON in the root attributes, weights under model_weights/<layer>/<layer>/):
    Conv2D(4, 3x3, same, relu) on 28x28x1 (channels_last) -> MaxPooling2D(2) -> Flatten -> Dense(10)
tiny-residual.h5 is a functional model (a residual add, a softmax Dense at the end).
NAME.expected.json holds a fixed input batch (N, 28, 28, 1) and the logits numpy computes for it.
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def conv_config(name, filters, size, activation, extra=None):
    c = {"name": name, "trainable": True, "dtype": "float32", "filters": filters, "kernel_size": [size, size],
         "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
         "activation": activation, "use_bias": True,
         "kernel_initializer": {"class_name": "Zeros", "config": {}},
         "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
         "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    c.update(extra or {})
    return c


def write_h5(path, config, weights):
    """Keras 2's HDF5 layout: the config in the root attributes, weights under model_weights/<layer>/<layer>/."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.4.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        g = f.create_group("model_weights")
        g.attrs["keras_version"] = b"2.4.0"
        g.attrs["backend"] = b"tensorflow"
        g.attrs["layer_names"] = np.array([n.encode() for n in weights])
        for name, ws in weights.items():
            lg = g.create_group(name)
            lg.attrs["weight_names"] = np.array([f"{name}/{w}".encode() for w, _ in ws])
            for w, value in ws:
                lg.create_dataset(f"{name}/{w}", data=value)


def conv_same(x, kernel, bias):
    """x (N, H, W, C), kernel (k, k, C, F) as Keras stores it: a 'same' convolution (odd k)."""
    n, h, w, _ = x.shape
    k = kernel.shape[0]
    padded = np.pad(x, ((0, 0), (k // 2, k // 2), (k // 2, k // 2), (0, 0)))
    out = np.zeros((n, h, w, kernel.shape[3]), dtype=np.float64)
    for dy in range(k):
        for dx in range(k):
            out += np.einsum("nhwc,cf->nhwf", padded[:, dy:dy + h, dx:dx + w, :], kernel[dy, dx])
    return out + bias


def functional(rng, x):
    """A functional model with a residual add: input -> c1 (3x3 relu) -> side (1x1) -> add(c1, side)
    -> max pool -> flatten -> Dense(10, softmax); the expected values are the logits."""
    k1 = rng.uniform(-0.5, 0.5, (3, 3, 1, 4)).astype(np.float32)
    b1 = rng.uniform(-0.1, 0.1, 4).astype(np.float32)
    ka = rng.uniform(-0.5, 0.5, (1, 1, 4, 4)).astype(np.float32)
    ba = rng.uniform(-0.1, 0.1, 4).astype(np.float32)
    kd = rng.uniform(-0.2, 0.2, (14 * 14 * 4, 10)).astype(np.float32)
    bd = rng.uniform(-0.1, 0.1, 10).astype(np.float32)
    c1 = np.maximum(conv_same(x.astype(np.float64), k1.astype(np.float64), b1), 0)
    s = c1 + conv_same(c1, ka.astype(np.float64), ba)
    p = s.reshape(2, 14, 2, 14, 2, 4).max(axis=(2, 4))
    logits = p.reshape(2, -1) @ kd.astype(np.float64) + bd

    def node(*names):
        return [[[n, 0, 0, {}] for n in names]]

    layers = [
        {"class_name": "InputLayer", "name": "input", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 28, 28, 1], "dtype": "float32", "sparse": False, "name": "input"}},
        {"class_name": "Conv2D", "name": "c1", "inbound_nodes": node("input"), "config": conv_config("c1", 4, 3, "relu")},
        {"class_name": "Conv2D", "name": "side", "inbound_nodes": node("c1"),
         "config": conv_config("side", 4, 1, "linear")},
        {"class_name": "Add", "name": "add", "inbound_nodes": node("c1", "side"),
         "config": {"name": "add", "trainable": True, "dtype": "float32"}},
        {"class_name": "MaxPooling2D", "name": "pool", "inbound_nodes": node("add"),
         "config": {"name": "pool", "trainable": True, "dtype": "float32", "pool_size": [2, 2], "padding": "valid",
                    "strides": [2, 2], "data_format": "channels_last"}},
        {"class_name": "Flatten", "name": "flatten", "inbound_nodes": node("pool"),
         "config": {"name": "flatten", "trainable": True, "dtype": "float32", "data_format": "channels_last"}},
        {"class_name": "Dense", "name": "logits", "inbound_nodes": node("flatten"),
         "config": {"name": "logits", "trainable": True, "dtype": "float32", "units": 10, "activation": "softmax",
                    "use_bias": True, "kernel_initializer": {"class_name": "Zeros", "config": {}},
                    "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
                    "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
                    "bias_constraint": None}},
    ]
    config = {"class_name": "Model", "config": {"name": "tiny_residual", "layers": layers,
                                                "input_layers": [["input", 0, 0]],
                                                "output_layers": [["logits", 0, 0]]}}
    weights = {"input": [], "c1": [("kernel:0", k1), ("bias:0", b1)], "side": [("kernel:0", ka), ("bias:0", ba)],
               "add": [], "pool": [], "flatten": [], "logits": [("kernel:0", kd), ("bias:0", bd)]}
    write_h5(os.path.join(HERE, "tiny-residual.h5"), config, weights)
    with open(os.path.join(HERE, "tiny-residual.expected.json"), "w") as f:
        json.dump({"input_shape_nhwc": list(x.shape), "input": x.flatten().tolist(),
                   "logits": logits.flatten().tolist(), "classes": 10}, f)


def main():
    rng = np.random.default_rng(5)
    kernel = rng.uniform(-0.5, 0.5, (3, 3, 1, 4)).astype(np.float32)
    conv_bias = rng.uniform(-0.1, 0.1, 4).astype(np.float32)
    dense = rng.uniform(-0.2, 0.2, (14 * 14 * 4, 10)).astype(np.float32)
    dense_bias = rng.uniform(-0.1, 0.1, 10).astype(np.float32)
    x = rng.uniform(0, 1, (2, 28, 28, 1)).astype(np.float32)

    y = np.maximum(conv_same(x.astype(np.float64), kernel.astype(np.float64), conv_bias), 0)
    y = y.reshape(2, 14, 2, 14, 2, 4).max(axis=(2, 4))          # 2x2 max pooling
    logits = y.reshape(2, -1) @ dense.astype(np.float64) + dense_bias  # Flatten in (H, W, C) order

    layers = [
        {"class_name": "Conv2D", "config": conv_config("conv", 4, 3, "relu", {"batch_input_shape": [None, 28, 28, 1]})},
        {"class_name": "MaxPooling2D", "config": {"name": "pool", "trainable": True, "dtype": "float32",
                                                  "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
                                                  "data_format": "channels_last"}},
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True, "dtype": "float32",
                                             "data_format": "channels_last"}},
        {"class_name": "Dense", "config": {"name": "logits", "trainable": True, "dtype": "float32", "units": 10,
                                           "activation": "linear", "use_bias": True,
                                           "kernel_initializer": {"class_name": "Zeros", "config": {}},
                                           "bias_initializer": {"class_name": "Zeros", "config": {}},
                                           "kernel_regularizer": None, "bias_regularizer": None,
                                           "activity_regularizer": None, "kernel_constraint": None,
                                           "bias_constraint": None}},
    ]
    config = {"class_name": "Sequential", "config": {"name": "tiny_cnn", "layers": layers}}
    weights = {"conv": [("kernel:0", kernel), ("bias:0", conv_bias)], "pool": [], "flatten": [],
               "logits": [("kernel:0", dense), ("bias:0", dense_bias)]}
    write_h5(os.path.join(HERE, "tiny-cnn.h5"), config, weights)
    with open(os.path.join(HERE, "tiny-cnn.expected.json"), "w") as f:
        json.dump({"input_shape_nhwc": list(x.shape), "input": x.flatten().tolist(),
                   "logits": logits.flatten().tolist(), "classes": 10}, f)
    print("tiny-cnn.h5", os.path.getsize(os.path.join(HERE, "tiny-cnn.h5")), "bytes")
    functional(np.random.default_rng(6), x)


if __name__ == "__main__":
    main()
