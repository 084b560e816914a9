"""Tools beside the product: benchmark (with the whole-process comparison against a bare MediaPipe
loop), soak, a camera that fails on purpose, the face-pattern trainer and the smoothing
measurements. Tools may import any layer; no product module imports them."""
