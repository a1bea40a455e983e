#!/usr/bin/env python3
"""Writes a Keras 2 HDF5 model fixture with h5py and numpy alone (no Keras needed), and its outputs.

Run once by hand when the fixture changes (the tests never run Python):
    apt-get install python3-h5py
    /usr/bin/python3 model-zoo/src/test/resources/keras/make_fixture.py

tiny-cnn.h5 is the file `model.save("tiny-cnn.h5")` writes for this Sequential model (Keras 2.x
layout: model_config JSON in the root attributes, weights under model_weights/<layer>/<layer>/):
    Conv2D(4, 3x3, same, relu) on 28x28x1 (channels_last) -> MaxPooling2D(2) -> Flatten -> Dense(10)
tiny-cnn.expected.json holds a fixed input batch (N, 28, 28, 1) and the logits numpy computes for it.
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def conv_same_relu(x, kernel, bias):
    """x (N, H, W, C), kernel (3, 3, C, F) as Keras stores it: a 'same' convolution, then ReLU."""
    n, h, w, c = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros((n, h, w, kernel.shape[3]), dtype=np.float64)
    for dy in range(3):
        for dx in range(3):
            out += np.einsum("nhwc,cf->nhwf", padded[:, dy:dy + h, dx:dx + w, :], kernel[dy, dx])
    return np.maximum(out + bias, 0)


def main():
    rng = np.random.default_rng(5)
    kernel = rng.uniform(-0.5, 0.5, (3, 3, 1, 4)).astype(np.float32)
    conv_bias = rng.uniform(-0.1, 0.1, 4).astype(np.float32)
    dense = rng.uniform(-0.2, 0.2, (14 * 14 * 4, 10)).astype(np.float32)
    dense_bias = rng.uniform(-0.1, 0.1, 10).astype(np.float32)
    x = rng.uniform(0, 1, (2, 28, 28, 1)).astype(np.float32)

    y = conv_same_relu(x.astype(np.float64), kernel.astype(np.float64), conv_bias)
    y = y.reshape(2, 14, 2, 14, 2, 4).max(axis=(2, 4))          # 2x2 max pooling
    logits = y.reshape(2, -1) @ dense.astype(np.float64) + dense_bias  # Flatten in (H, W, C) order

    layers = [
        {"class_name": "Conv2D", "config": {"name": "conv", "trainable": True, "dtype": "float32",
                                            "batch_input_shape": [None, 28, 28, 1], "filters": 4,
                                            "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
                                            "data_format": "channels_last", "dilation_rate": [1, 1],
                                            "activation": "relu", "use_bias": True,
                                            "kernel_initializer": {"class_name": "Zeros", "config": {}},
                                            "bias_initializer": {"class_name": "Zeros", "config": {}},
                                            "kernel_regularizer": None, "bias_regularizer": None,
                                            "activity_regularizer": None, "kernel_constraint": None,
                                            "bias_constraint": None}},
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
    with h5py.File(os.path.join(HERE, "tiny-cnn.h5"), "w") as f:
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
    with open(os.path.join(HERE, "tiny-cnn.expected.json"), "w") as f:
        json.dump({"input_shape_nhwc": list(x.shape), "input": x.flatten().tolist(),
                   "logits": logits.flatten().tolist(), "classes": 10}, f)
    print("tiny-cnn.h5", os.path.getsize(os.path.join(HERE, "tiny-cnn.h5")), "bytes")


if __name__ == "__main__":
    main()
