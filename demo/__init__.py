"""Machine Eyes: see your face the way face detection sees it.

The package is split along the path a picture takes:
source (:mod:`demo.sources`) -> perception (:mod:`demo.hog`, :mod:`demo.landmarks`)
-> composition (:mod:`demo.draw`) -> output (:mod:`demo.app`, :mod:`demo.render`, :mod:`demo.bench`).
Nothing here changes anyone's face: it only shows what the machine measures.
"""

__version__ = "0.1.0"
