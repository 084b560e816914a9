"""Machine Eyes: see your face the way face detection sees it.

The package is split along the path a picture takes, one subpackage per layer, lowest first; a
module imports only from its own layer or lower ones (``tests/test_layout.py`` checks it):

- :mod:`demo.base`: bundled files, the kernel's network filter, quiet native libraries, a worker
  thread, the knobs' ranges;
- :mod:`demo.sources`: camera, video, image, the bundled sample;
- :mod:`demo.perception`: HOG, MediaPipe's landmarks, the face-pattern detector, smoothing;
- :mod:`demo.picture`: drawing all of it, the walk-through's stages and their texts;
- :mod:`demo.live` (the window and its loop) and :mod:`demo.files` (``render``): the outputs;
- :mod:`demo.tools`: benchmark, soak, training, measurements, apart from the product;
- :mod:`demo.commands` and :mod:`demo.cli`: the command line.

``from demo import hog`` and ``from demo.landmarks import FaceMesh`` are the notebook API.
Nothing here changes anyone's face: it only shows what the machine measures.
"""

import os

__version__ = "0.1.0"

# Before any module of the package imports pygame (the window, and the text on pictures of every
# command): no greeting line in the visitor's terminal.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
