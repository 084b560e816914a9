"""Tools beside the product: benchmark, soak, a camera that fails on purpose, the face-pattern
trainer and the smoothing measurements. Tools may import any layer; no product module imports them."""
