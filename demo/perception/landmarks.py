"""478 points on a face: MediaPipe's Face Landmarker, made easy to call.

A neural network first finds each face, then places 478 points on it (eyes, brows, lips, the
face's outline and the irises). This is the only module that imports MediaPipe.

Use it from a notebook like this::

    from demo.landmarks import FaceMesh
    with FaceMesh(max_faces=4) as mesh:
        faces = mesh.detect(rgb)          # a still picture
        faces = mesh.track(rgb, t_ms)     # frames of a video or camera, in order
    faces[0].points                       # (478, 3): x, y in pixels, z relative depth

Coordinates: x right and y down in pixels of the image passed in; z is MediaPipe's depth relative
to the head's centre, in the same pixel scale as x (smaller is nearer the camera).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import importlib
import io
import operator
import sys
import threading
import types
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from demo.base.assets import asset_path
from demo.base.offline import keep_offline
from demo.base.quiet import native_stderr_silenced

MODEL_NAME = "face_landmarker.task"
MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
MODEL_PARTS = ("face_detector.tflite", "face_landmarks_detector.tflite")  # inside the .task zip
POINT_COUNT = 478
MAX_FACES_LIMIT = 10
CLOSE_WAIT_S = 60.0  # longest wait for the background search's square when closing, seconds
# The face detector inside the model looks at a 128x128 copy of the picture, so a face 60 px tall
# in a 1280x720 frame shrinks to 6 px and is lost. Faces at a distance are searched for in
# overlapping squares of the frame instead, then meshed through their own enlarged crop.
TILE = 320  # side of one search square, pixels of the frame
TILE_OVERLAP = 0.25  # fraction of a square shared with its neighbour, so no face is cut in two
SEARCH_EVERY = 6  # streamed frames per searched square: spread thin, the search costs ~5% of a frame
CROP_SIDE = 256  # a distant face is cut out and enlarged to a square of this many pixels
CROP_MARGIN = 2.2  # the cut-out's side as a multiple of the face's size


# Modules MediaPipe's package imports that the landmarker never uses: matplotlib (its drawing
# helpers) and sounddevice (its audio tasks, which look for PortAudio with temporary files).
_STAND_INS = ("matplotlib", "matplotlib.pyplot", "sounddevice")


class _StandIn(types.ModuleType):
    """Answers for a module while MediaPipe's package loads; afterwards loads the real one on use."""

    def __getattr__(self, name: str):
        if name.startswith("__") or sys.modules.get(self.__name__) is self:
            raise AttributeError(name)  # the import system probing, or asked while still standing in
        return getattr(importlib.import_module(self.__name__), name)


@functools.lru_cache(maxsize=1)
def _vision() -> types.ModuleType:
    """MediaPipe's vision tasks, imported without loading modules the landmarker never uses.

    ``mediapipe.tasks.python`` imports matplotlib (for drawing helpers) and sounddevice (for audio
    tasks): half a second of start-up, and both write to disk as they load (matplotlib a font cache
    and config folders in the user's home, sounddevice temporary files while it looks for a
    library), which the live exhibit must not do: it records nothing. While the package loads,
    stand-ins answer for them; they are removed afterwards, and the references MediaPipe keeps load
    the real module the first time anything is asked of them, so a notebook can still use
    MediaPipe's plotting helpers.
    """
    keep_offline()  # the kernel keeps MediaPipe's usage-data uploader off the network
    placed = [name for name in _STAND_INS if name not in sys.modules]
    if "matplotlib" in sys.modules:  # already loaded by the user: pyplot may load for real
        placed = [name for name in placed if not name.startswith("matplotlib")]
    for name in placed:
        sys.modules[name] = _StandIn(name, "Stand-in while Machine Eyes imports MediaPipe.")
    try:
        from mediapipe.tasks.python import vision
    finally:
        for name in placed:
            if isinstance(sys.modules.get(name), _StandIn):
                del sys.modules[name]
    return vision


class ModelError(Exception):
    """The landmark model is missing or damaged; the message is one line meant for the user."""


@dataclass(frozen=True)
class Face:
    """One face as MediaPipe measured it.

    Attributes
    ----------
    points : ndarray, shape (478, 3), float32
        x, y in pixels of the analysed image (x right, y down); z relative depth in the same scale.
    box : tuple of 4 floats
        ``(x0, y0, x1, y1)`` in pixels: the smallest box around the points.
    blendshapes : dict
        MediaPipe's 52 expression scores in [0, 1] by name (e.g. ``"eyeBlinkLeft"``).
    transform : ndarray, shape (4, 4), or None
        The head's pose: rotation and translation from a canonical face to this one.
    """

    points: np.ndarray
    box: tuple[float, float, float, float]
    blendshapes: dict[str, float] = field(default_factory=dict)
    transform: np.ndarray | None = None
    far: bool = False  # found only by the search for faces at a distance
    person: int = -1  # the same number for the same person from frame to frame (-1: not followed)

    @property
    def centre(self) -> tuple[float, float]:
        """Middle of the box in pixels (x, y)."""
        return (self.box[0] + self.box[2]) / 2.0, (self.box[1] + self.box[3]) / 2.0

    @property
    def height(self) -> float:
        """Height of the face's box in pixels."""
        return self.box[3] - self.box[1]


def load_model(path: str | Path | None = None) -> bytes:
    """Read the Face Landmarker model and check it before MediaPipe sees it.

    Parameters
    ----------
    path : str or Path, optional
        A ``.task`` file; by default the bundled one, which must match its sha256.

    Raises
    ------
    ModelError
        With one line naming the file and what to do.
    """
    bundled = path is None
    path = Path(path) if path is not None else asset_path(MODEL_NAME)
    if not path.is_file():
        where = "restore assets/ from git" if bundled else "check --model"
        raise ModelError(f"{path}: face landmarker model not found; {where}")
    data = path.read_bytes()
    if bundled and hashlib.sha256(data).hexdigest() != MODEL_SHA256:
        raise ModelError(f"{path}: model is damaged (sha256 mismatch); restore assets/ from git")
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
    except (zipfile.BadZipFile, OSError):
        names = set()
    if not set(MODEL_PARTS) <= names:
        raise ModelError(f"{path}: not a Face Landmarker .task model (truncated or wrong file); "
                         "use the official face_landmarker.task")
    return data


# Named groups of MediaPipe's connection lists, for drawing and for callers that want "the lips".
_GROUPS = {
    "tessellation": "FACE_LANDMARKS_TESSELATION",
    "contours": "FACE_LANDMARKS_CONTOURS",
    "face_oval": "FACE_LANDMARKS_FACE_OVAL",
    "lips": "FACE_LANDMARKS_LIPS",
    "left_eye": "FACE_LANDMARKS_LEFT_EYE",
    "right_eye": "FACE_LANDMARKS_RIGHT_EYE",
    "left_eyebrow": "FACE_LANDMARKS_LEFT_EYEBROW",
    "right_eyebrow": "FACE_LANDMARKS_RIGHT_EYEBROW",
    "left_iris": "FACE_LANDMARKS_LEFT_IRIS",
    "right_iris": "FACE_LANDMARKS_RIGHT_IRIS",
    "nose": "FACE_LANDMARKS_NOSE",
}


@functools.lru_cache(maxsize=1)
def connections() -> dict[str, np.ndarray]:
    """Which landmarks are joined by lines, by group name.

    Returns a dict from group name (``"tessellation"``, ``"contours"``, ``"lips"``, ``"left_eye"``,
    ``"left_iris"``, ... and ``"irises"`` for both) to an int array of shape (n, 2): each row is a
    pair of landmark indices (0-477) joined by one line. "Left" is the person's left, which is on
    the right of an unmirrored picture.
    """
    mp_connections = _vision().FaceLandmarksConnections

    groups = {name: np.array([(c.start, c.end) for c in getattr(mp_connections, attr)], dtype=np.int32)
              for name, attr in _GROUPS.items()}
    groups["irises"] = np.concatenate([groups["left_iris"], groups["right_iris"]])
    return groups


def tile_grid(width: int, height: int, tile: int = TILE, overlap: float = TILE_OVERLAP) -> list[tuple[int, int, int, int]]:
    """Overlapping squares covering a ``width`` x ``height`` picture, as (x0, y0, x1, y1) pixels.

    The last square of each row and column is moved back to end at the picture's edge; a picture
    smaller than ``tile`` is one square of its own size.
    """
    def starts(length: int) -> list[int]:
        if length <= tile:
            return [0]
        step = max(1, int(tile * (1.0 - overlap)))
        positions = list(range(0, length - tile, step))
        return positions + [length - tile]

    return [(x, y, min(x + tile, width), min(y + tile, height))
            for y in starts(height) for x in starts(width)]


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _is_new(box: tuple[float, float, float, float], faces: list[Face]) -> bool:
    """True when ``box`` (x0, y0, x1, y1) is not a face already in ``faces``."""
    centre = ((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)
    return not any(_inside(centre, f.box) or _inside(f.centre, box) for f in faces)


_XYZ = operator.attrgetter("x", "y", "z")  # a landmark's coordinates, read in C: 478 a face

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1) pixels, x right, y down


class _BackgroundSearch:
    """The search for distant faces on a thread of its own, so a stream never waits for it.

    One square at a time: :meth:`offer` hands over a copy of a square of the frame when the last
    one is done (and declines otherwise); :meth:`collect` gives the boxes found since it was last
    called, in frame pixels. ``search(square) -> boxes`` does the looking, in the square's pixels.
    """

    def __init__(self, search: Callable[[np.ndarray], list[Box]]):
        self._search = search
        self._cond = threading.Condition()
        self._job: tuple[np.ndarray, int, int] | None = None  # square, its x0, y0 in the frame
        self._busy = False
        self._found: list[Box] = []
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="distant-face search", daemon=True)
        self._thread.start()

    def offer(self, rgb: np.ndarray, tile: tuple[int, int, int, int]) -> bool:
        """Search ``tile`` (x0, y0, x1, y1) of ``rgb`` next, if idle; True if taken on."""
        with self._cond:
            if self._busy or self._job is not None or self._error is not None or self._stop:
                return False
            x0, y0, x1, y1 = tile
            self._job = (rgb[y0:y1, x0:x1].copy(), x0, y0)
            self._cond.notify_all()
            return True

    def collect(self) -> list[Box]:
        """Boxes found since the last call; raises what the search raised."""
        with self._cond:
            if self._error is not None:
                raise self._error
            found, self._found = self._found, []
            return found

    def wait(self) -> None:
        """Until the square last offered has been searched (tests; no timing depends on it)."""
        with self._cond:
            self._cond.wait_for(lambda: (self._job is None and not self._busy) or self._stop
                                or self._error is not None)

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._job is not None or self._stop)
                if self._stop:
                    return
                (square, x0, y0), self._job, self._busy = self._job, None, True
            try:
                boxes = [(x0 + a, y0 + b, x0 + c, y0 + d) for a, b, c, d in self._search(square)]
            except BaseException as error:  # handed to the stream's thread by collect()
                boxes, self._error = [], error
            with self._cond:
                self._found += boxes
                self._busy = False
                self._cond.notify_all()
                if self._error is not None:
                    return

    def close(self) -> None:
        """Stop after the square being searched (its detector may be closed afterwards)."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=CLOSE_WAIT_S)


@dataclass(frozen=True)
class _Result:
    """One landmarker call's answer, per face: ``points`` (n, 3) float32 normalised to the
    picture (x and y as fractions of its width and height, z in the width's scale), the
    blendshape scores by name, and the 4 x 4 pose matrix (float32)."""

    points: list[np.ndarray]
    blendshapes: list[dict[str, float]]
    matrices: list[np.ndarray]


def _from_wrapper(result) -> _Result:
    """MediaPipe's Python result (one object per point) as a :class:`_Result`."""
    return _Result([np.array(list(map(_XYZ, marks)), dtype=np.float32) for marks in result.face_landmarks],
                   [{c.category_name: float(c.score) for c in shapes} for shapes in result.face_blendshapes or ()],
                   [np.asarray(matrix, dtype=np.float32) for matrix in result.facial_transformation_matrixes or ()])


# The C structs as MediaPipe 1.2 declares them: the direct path is used only if they still match.
_C_LAYOUT = {
    "MpFaceLandmarkerResultC": ("face_landmarks", "face_landmarks_count", "face_blendshapes",
                                "face_blendshapes_count", "facial_transformation_matrixes",
                                "facial_transformation_matrixes_count"),
    "MpNormalizedLandmarksC": ("landmarks", "landmarks_count"),
    "MpNormalizedLandmarkC": ("x", "y", "z"),
    "MpCategoriesC": ("categories", "categories_count"),
    "MpCategoryC": ("score", "category_name"),
    "MpMatrixC": ("rows", "cols", "data"),
}
_C_ARGUMENTS = {"MpFaceLandmarkerDetectImage": 5, "MpFaceLandmarkerDetectForVideo": 6,
                "MpFaceLandmarkerCloseResult": 1}  # counts, the error message included


class _CallsInC:
    """What :class:`_Landmarker` needs of MediaPipe's C library; raises if this MediaPipe differs."""

    def __init__(self, task) -> None:
        from mediapipe.tasks.python.core import mediapipe_c_utils
        from mediapipe.tasks.python.vision import face_landmarker

        self.lib = task._lib._lib  # the library itself, under the wrapper's dispatcher
        for name, count in _C_ARGUMENTS.items():
            if len(getattr(self.lib, name).argtypes) != count:
                raise TypeError(f"{name} takes other arguments in this MediaPipe")
        getattr(self.lib, "MpErrorFree")
        if not task._handle:
            raise TypeError("no handle")
        self.task = task
        self.result_type = face_landmarker.MpFaceLandmarkerResultC
        self.exception = mediapipe_c_utils.convert_to_exception
        self.is_shutdown = mediapipe_c_utils.is_shutdown
        result_fields = dict(self.result_type._fields_)
        faces_type = result_fields["face_landmarks"]._type_
        point_type = dict(faces_type._fields_)["landmarks"]._type_
        shapes_type = result_fields["face_blendshapes"]._type_
        category_type = dict(shapes_type._fields_)["categories"]._type_
        matrix_type = result_fields["facial_transformation_matrixes"]._type_
        for struct in (self.result_type, faces_type, point_type, shapes_type, category_type, matrix_type):
            names = {field[0] for field in struct._fields_}
            if not set(_C_LAYOUT[struct.__name__]) <= names:
                raise TypeError(f"{struct.__name__} has other fields in this MediaPipe")
        if any(dict(point_type._fields_)[axis] is not ctypes.c_float for axis in "xyz"):
            raise TypeError("landmark coordinates are not C floats in this MediaPipe")
        # Each point's x, y and z, read in place from the C array of point structs.
        self.point_dtype = np.dtype({"names": ["x", "y", "z"], "formats": [np.float32] * 3,
                                     "offsets": [point_type.x.offset, point_type.y.offset, point_type.z.offset],
                                     "itemsize": ctypes.sizeof(point_type)})

    def call(self, image, stamp: int | None) -> _Result:
        # Closed, or Python is exiting: answer nothing, as MediaPipe's wrapper then does (the C
        # library aborts the process when called without a handle).
        if not self.task._handle or self.is_shutdown():
            return _Result([], [], [])
        result, message = self.result_type(), ctypes.c_char_p()
        if stamp is None:
            status = self.lib.MpFaceLandmarkerDetectImage(
                self.task._handle, image._image_ptr, None, ctypes.byref(result), ctypes.byref(message))
        else:
            status = self.lib.MpFaceLandmarkerDetectForVideo(
                self.task._handle, image._image_ptr, None, stamp, ctypes.byref(result), ctypes.byref(message))
        try:
            error = self.exception(status, message)
            if error is not None:
                raise error
            try:
                return self._read(result)
            finally:
                self.lib.MpFaceLandmarkerCloseResult(ctypes.byref(result))
        finally:
            if message.value is not None:
                self.lib.MpErrorFree(message)

    def _read(self, result) -> _Result:
        points = []
        for face in range(result.face_landmarks_count):
            marks = result.face_landmarks[face]
            count = marks.landmarks_count
            if count == 0:
                points.append(np.zeros((0, 3), np.float32))
                continue
            raw = (ctypes.c_char * (count * self.point_dtype.itemsize)).from_address(
                ctypes.addressof(marks.landmarks.contents))
            fields = np.frombuffer(raw, self.point_dtype)
            points.append(np.stack([fields["x"], fields["y"], fields["z"]], axis=1))  # a copy
        shapes = []
        for face in range(result.face_blendshapes_count):
            categories = result.face_blendshapes[face]
            shapes.append({c.category_name.decode("utf-8") if c.category_name else None: float(c.score)
                           for c in categories.categories[:categories.categories_count]})
        matrices = [np.asarray(result.facial_transformation_matrixes[face].to_numpy(), dtype=np.float32)
                    for face in range(result.facial_transformation_matrixes_count)]
        return _Result(points, shapes, matrices)


class _Landmarker:
    """A MediaPipe FaceLandmarker called straight through its C library.

    MediaPipe 1.2's Python wrapper hands every call to a thread of its own and waits for it, then
    makes a Python object of each of the 478 points: 1.3 ms a frame on a 2-core machine, and 3 ms
    while another thread runs Python, as each hand-over waits for Python's lock. This makes the
    same C calls from the caller's thread, one at a time per landmarker (a lock, as the wrapper
    serialises them), and copies the points straight from the C result into numpy. If this
    MediaPipe is built differently (a name is missing), the wrapper's own methods are used.
    """

    def __init__(self, task) -> None:
        self._task = task
        self._lock = threading.Lock()
        try:
            self._c: _CallsInC | None = _CallsInC(task)
        except Exception:  # any difference from the MediaPipe this was written for
            self._c = None

    @property
    def direct(self) -> bool:
        """Whether calls go straight to the C library (False: through MediaPipe's wrapper)."""
        return self._c is not None

    def detect(self, image) -> _Result:
        """A still picture (MediaPipe IMAGE mode)."""
        return self._call(image, None)

    def detect_for_video(self, image, stamp: int) -> _Result:
        """A frame of a stream at ``stamp`` ms (VIDEO mode)."""
        return self._call(image, stamp)

    def _call(self, image, stamp: int | None) -> _Result:
        with self._lock:
            if self._c is not None and getattr(image, "_image_ptr", None) is not None:
                return self._c.call(image, stamp)
            if stamp is None:
                return _from_wrapper(self._task.detect(image))
            return _from_wrapper(self._task.detect_for_video(image, stamp))

    def close(self) -> None:
        with self._lock:  # never while a call is under way on another thread
            self._task.close()

    def __enter__(self) -> _Landmarker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _to_faces(result: _Result, width: int, height: int, offset=(0.0, 0.0), scale: float = 1.0,
              far: bool = False) -> list[Face]:
    """A landmarker's normalised result as Faces in pixels of the frame.

    ``offset`` (x, y) and ``scale`` map a crop's pixels back to the frame: frame = crop / scale + offset.
    """
    faces = []
    to_frame = np.array([width, height, width], dtype=np.float32) / np.float32(scale)
    shift = np.array([offset[0], offset[1], 0.0], dtype=np.float32)
    for i, marks in enumerate(result.points):
        points = marks * to_frame + shift
        box = (float(points[:, 0].min()), float(points[:, 1].min()),
               float(points[:, 0].max()), float(points[:, 1].max()))
        shapes = result.blendshapes[i] if i < len(result.blendshapes) else {}
        transform = result.matrices[i] if i < len(result.matrices) else None
        faces.append(Face(points, box, shapes, transform, far))
    return faces


class FaceMesh:
    """Finds faces and their 478 landmarks in RGB pictures.

    Parameters
    ----------
    max_faces : int
        How many faces to look for at most (1-10). More faces cost more time.
    model : str or Path, optional
        A Face Landmarker ``.task`` file instead of the bundled one.
    min_confidence : float
        How sure the face detector must be (0-1). Lower finds more faces and more mistakes.

    Use it as a context manager (or call :meth:`close`): MediaPipe must be closed explicitly.
    """

    def __init__(self, max_faces: int = 4, model: str | Path | None = None,
                 min_confidence: float = 0.5):
        if not 1 <= max_faces <= MAX_FACES_LIMIT:
            raise ValueError(f"max_faces must be 1-{MAX_FACES_LIMIT}, not {max_faces}")
        self.max_faces = max_faces
        self.min_confidence = min_confidence
        self._model = load_model(model)
        self._image_mode = None
        self._video_mode = None
        self._detector = None
        self._last_ms = -1  # timestamp last given to MediaPipe's VIDEO mode
        self._far: list[Face] = []  # distant faces followed from frame to frame
        self._next_tile = 0  # where the spread-out search for distant faces goes on
        self._frames = 0  # frames tracked so far
        self._detector_lock = threading.Lock()  # the search may run on its own thread
        self._closed = False  # close() was called: a late background search must not start a detector
        self._background: _BackgroundSearch | None = None

    @property
    def background_search(self) -> bool:
        """Whether :meth:`track` searches for distant faces on a thread of its own.

        Off by default: each square is searched during the :meth:`track` call that reaches it,
        so results do not depend on timing (notebooks, tests, rendering). The live window turns
        it on: the stream's landmarker then never waits for the search, which runs on whatever
        the machine has to spare, and faces it finds are meshed from the next frame on.
        """
        return self._background is not None

    @background_search.setter
    def background_search(self, on: bool) -> None:
        if on and self._background is None:
            self._closed = False
            self._background = _BackgroundSearch(functools.partial(self._search_square, background=True))
        elif not on and self._background is not None:
            self._background.close()
            self._background = None

    def _create(self, video: bool):
        vision = _vision()  # heavy: only when a landmarker is really needed
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions

        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=self._model),
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_faces=self.max_faces,
            min_face_detection_confidence=self.min_confidence,
            min_face_presence_confidence=self.min_confidence,
            min_tracking_confidence=self.min_confidence,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        self._mp = mp
        with native_stderr_silenced():
            try:
                return _Landmarker(vision.FaceLandmarker.create_from_options(options))
            except (RuntimeError, ValueError) as error:
                first = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
                raise ModelError(f"face landmarker model could not be loaded: {first}") from None

    def _still_landmarker(self) -> _Landmarker:
        """The still-picture landmarker, made on first use. Callers keep what this returns:
        ``close()`` may set the attribute to None while they still use it."""
        landmarker = self._image_mode
        if landmarker is None:
            landmarker = self._image_mode = self._create(video=False)
        return landmarker

    def _create_detector(self):
        """MediaPipe's face detector alone, from the same bundle: cheap enough to run on squares."""
        vision = _vision()
        from mediapipe.tasks.python import BaseOptions

        with zipfile.ZipFile(io.BytesIO(self._model)) as bundle:
            detector_model = bundle.read("face_detector.tflite")
        options = vision.FaceDetectorOptions(base_options=BaseOptions(model_asset_buffer=detector_model),
                                             min_detection_confidence=self.min_confidence)
        with native_stderr_silenced():
            return vision.FaceDetector.create_from_options(options)

    def _image(self, rgb: np.ndarray):
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 image (height, width, 3), got {rgb.dtype} {rgb.shape}")
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))

    def _search_square(self, square: np.ndarray, background: bool = False) -> list[Box]:
        """Boxes (x0, y0, x1, y1, pixels of ``square``) of faces the detector finds in it."""
        with self._detector_lock:
            if background and self._closed:  # it outlived close(): no new detector to leak
                return []
            if self._detector is None:
                self._detector = self._create_detector()
            result = self._detector.detect(self._image(square))
        return [(b.origin_x, b.origin_y, b.origin_x + b.width, b.origin_y + b.height)
                for b in (found.bounding_box for found in result.detections)]

    def _search(self, rgb: np.ndarray, tiles: list[tuple[int, int, int, int]]) -> list[Box]:
        """Boxes (x0, y0, x1, y1, frame pixels) of faces the detector finds in ``tiles``."""
        boxes: list[Box] = []
        for x0, y0, x1, y1 in tiles:
            for a, b, c, d in self._search_square(rgb[y0:y1, x0:x1]):
                box = (x0 + a, y0 + b, x0 + c, y0 + d)
                centre = ((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)
                if not any(_inside(centre, other) for other in boxes):  # the same face in two tiles
                    boxes.append(box)
        return boxes

    def _mesh_crop(self, rgb: np.ndarray, box: tuple[float, float, float, float], margin: float) -> Face | None:
        """Mesh the face in ``box`` through an enlarged square crop around it; None if lost."""
        landmarker = self._still_landmarker()
        centre_x, centre_y = (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0
        side = max(box[2] - box[0], box[3] - box[1]) * margin
        scale = CROP_SIDE / side
        x0, y0 = centre_x - side / 2.0, centre_y - side / 2.0
        matrix = np.array([[scale, 0.0, -x0 * scale], [0.0, scale, -y0 * scale]], dtype=np.float64)
        crop = cv2.warpAffine(rgb, matrix, (CROP_SIDE, CROP_SIDE), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
        result = landmarker.detect(self._image(crop))
        faces = _to_faces(result, CROP_SIDE, CROP_SIDE, (x0, y0), scale, far=True)
        if not faces:
            return None
        return min(faces, key=lambda f: (f.centre[0] - centre_x) ** 2 + (f.centre[1] - centre_y) ** 2)

    def _add_far(self, rgb: np.ndarray, faces: list[Face], boxes: list[Box]) -> list[Face]:
        """Faces in ``boxes`` that are not in ``faces`` yet, meshed, up to ``max_faces``."""
        added: list[Face] = []
        for box in boxes:
            if len(faces) + len(added) >= self.max_faces:
                break
            if _is_new(box, faces + added):
                face = self._mesh_crop(rgb, box, CROP_MARGIN)
                if face is not None and _is_new(face.box, faces + added):
                    added.append(face)
        return added

    def detect(self, rgb: np.ndarray) -> list[Face]:
        """Faces in one still picture (RGB uint8, height x width x 3), near and far.

        The whole picture is searched first; then, if fewer than ``max_faces`` were found,
        overlapping squares of it are searched for faces too small to be seen at once.
        """
        landmarker = self._still_landmarker()
        result = landmarker.detect(self._image(rgb))
        faces = _to_faces(result, rgb.shape[1], rgb.shape[0])
        if len(faces) < self.max_faces:
            faces += self._add_far(rgb, faces, self._search(rgb, tile_grid(rgb.shape[1], rgb.shape[0])))
        return faces

    def track(self, rgb: np.ndarray, time_ms: float) -> list[Face]:
        """Faces in one frame of a stream, following them from the frame before.

        ``time_ms`` is the frame's time in milliseconds. MediaPipe needs strictly increasing
        timestamps; if the source's clock repeats or goes back (a looping video, a frozen camera)
        the frame is given the next free millisecond instead.

        Near faces are followed by MediaPipe itself. Faces at a distance are searched for one
        square every ``SEARCH_EVERY`` frames (a sweep of a 1280x720 frame takes 90 frames, 3 s
        at 30 fps) and each one found is then followed through its own crop every frame.
        """
        if self._video_mode is None:
            self._video_mode = self._create(video=True)
        landmarker = self._video_mode  # read once: close() may set it to None meanwhile
        image = self._image(rgb)  # checks the picture before its timestamp is used up
        stamp = max(int(time_ms), self._last_ms + 1)
        self._last_ms = stamp
        result = landmarker.detect_for_video(image, stamp)
        faces = _to_faces(result, rgb.shape[1], rgb.shape[0])
        followed = []
        for old in self._far:
            if len(faces) + len(followed) >= self.max_faces:
                break
            # The landmarks' box is tighter than the detector's, so the crop gets a wider margin.
            face = self._mesh_crop(rgb, old.box, CROP_MARGIN * 1.3)
            if face is not None and _is_new(face.box, faces + followed):
                followed.append(face)
        self._frames += 1
        if len(faces) + len(followed) < self.max_faces:
            if self._background is not None:
                followed += self._add_far(rgb, faces + followed, self._background.collect())
            if self._frames % SEARCH_EVERY == 0:
                # The still-picture landmarker is made with the first search, not when the first
                # distant face appears: a stream's memory and threads then stay flat after its
                # first frames.
                self._still_landmarker()
                tiles = tile_grid(rgb.shape[1], rgb.shape[0])
                tile = tiles[(self._next_tile + 1) % len(tiles)]
                if self._background is None:
                    self._next_tile = (self._next_tile + 1) % len(tiles)
                    followed += self._add_far(rgb, faces + followed, self._search(rgb, [tile]))
                elif self._background.offer(rgb, tile):
                    self._next_tile = (self._next_tile + 1) % len(tiles)
        self._far = followed
        return faces + followed

    def wait_for_search(self) -> None:
        """Until the background search has finished the square it was given (if it is on).

        For scripts and tests that want the same faces on every run; the live loop never waits.
        """
        if self._background is not None:
            self._background.wait()

    @property
    def last_timestamp_ms(self) -> int:
        """The timestamp (ms) last given to MediaPipe's stream mode; -1 before the first frame."""
        return self._last_ms

    def close(self) -> None:
        """Release MediaPipe's graphs. Safe to call twice."""
        self.background_search = False  # its thread uses the detector
        with self._detector_lock:  # in case that thread is still searching after its wait
            self._closed = True
            for task in (self._image_mode, self._video_mode, self._detector):
                if task is not None:
                    task.close()
            self._image_mode = self._video_mode = self._detector = None

    def __enter__(self) -> FaceMesh:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
