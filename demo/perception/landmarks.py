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

import functools
import importlib
import sys
import threading
import types
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from demo.base.assets import asset_path
from demo.base.choices import DEFAULT_MAX_FACES, MAX_FACES_RANGE
from demo.base.offline import keep_offline
from demo.base.quiet import native_stderr_silenced
from demo.base.worker import CLOSE_WAIT_S, Worker
from demo.perception.boxes import Box, agrees, box_centre, contested, inside, is_new, search_squares
from demo.perception.flow import FLOW_GAP_MS, carried, flow_picture
from demo.perception.model import MODEL_NAME, ModelError, load_detector_model, load_model
from demo.perception.pictures import check_picture, is_number, positive_whole

POINT_COUNT = 478
SWEEP_MS = 500.0  # a stream's search covers the whole frame this often, however many squares it has,
# so a newcomer is found within half a second at any frame rate and a 640x480 frame (2 squares)
# costs a search every quarter second, not every second frame
CROP_SIDE = 256  # a distant face is cut out and enlarged to a square of this many pixels
CROP_MARGIN = 2.2  # the cut-out's side as a multiple of the face's size
# Each face's mesh costs as much as a lone face's whole frame. A stream meshes at most this many
# distant faces a frame, the longest-waiting first; the others keep their mesh until their turn
# (six faces: each meshed every sixth frame, 5 times a second at 30 fps). Measured with six faces
# against one, whole processes: 2 a frame ran at 42% of the one-face rate, 1 a frame at 65%.
FAR_MESHES_PER_FRAME = 1


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
    library), which the live exhibit must not do: it records nothing (checked with MediaPipe 1.2.3:
    imported bare in an empty home, it leaves ``.cache/matplotlib/fontlist-v3.11.0.json`` and
    ``.config/matplotlib`` there). While the package loads,
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
    age: int = 0  # frames since this mesh was made: a stream re-meshes a distant face only every few frames

    @property
    def centre(self) -> tuple[float, float]:
        """Middle of the box in pixels (x, y)."""
        return box_centre(self.box)

    @property
    def height(self) -> float:
        """Height of the face's box in pixels."""
        return self.box[3] - self.box[1]


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
def _connection_tables() -> dict[str, np.ndarray]:
    """:func:`connections`' arrays, made once and read-only: every caller shares them."""
    mp_connections = _vision().FaceLandmarksConnections

    groups = {name: np.array([(c.start, c.end) for c in getattr(mp_connections, attr)], dtype=np.int32)
              for name, attr in _GROUPS.items()}
    groups["irises"] = np.concatenate([groups["left_iris"], groups["right_iris"]])
    for pairs in groups.values():
        pairs.flags.writeable = False
    return groups


def connections() -> dict[str, np.ndarray]:
    """Which landmarks are joined by lines, by group name.

    Returns a dict from group name (``"tessellation"``, ``"contours"``, ``"lips"``, ``"left_eye"``,
    ``"left_iris"``, ... and ``"irises"`` for both) to an int array of shape (n, 2): each row is a
    pair of landmark indices (0-477) joined by one line. "Left" is the person's left, which is on
    the right of an unmirrored picture. The arrays are shared and read-only (``.copy()`` one to
    change it); the dict is a new one each call.
    """
    return dict(_connection_tables())


def _distinct(faces: list[Face]) -> list[Face]:
    """``faces`` less any lying on one before it: MediaPipe's stream mode sometimes follows a face
    and finds it again as a new one, a second, larger mesh on the same face."""
    kept: list[Face] = []
    for face in faces:
        if is_new(face.box, [k.box for k in kept]):
            kept.append(face)
    return kept


Square = tuple[int, int, int, int]  # a searched square of the frame, (x0, y0, x1, y1) pixels


def mediapipe_image(rgb: np.ndarray):
    """An RGB uint8 picture (height, width, 3) as MediaPipe's ``mp.Image`` (which copies the pixels)."""
    _vision()  # MediaPipe is imported here first, without the modules it never uses
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def _landmarker_options(model: bytes, video: bool, max_faces: int, min_confidence: float):
    """The options every Face Landmarker here is made with: blendshapes and pose matrices on."""
    vision = _vision()
    from mediapipe.tasks.python import BaseOptions

    return vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_buffer=model),
        running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
        num_faces=max_faces,
        min_face_detection_confidence=min_confidence,
        min_face_presence_confidence=min_confidence,
        min_tracking_confidence=min_confidence,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
    )


def bare_landmarker(max_faces: int = DEFAULT_MAX_FACES, min_confidence: float = 0.5, video: bool = True):
    """MediaPipe's own ``FaceLandmarker``, made with the options :class:`FaceMesh` uses, nothing
    around it: the peer ``machine-eyes bench`` measures FaceMesh and the exhibit against.

    Call it as MediaPipe's documentation shows, e.g.
    ``landmarker.detect_for_video(mediapipe_image(rgb), time_ms)``; close it (it is a context
    manager).
    """
    vision = _vision()
    with native_stderr_silenced():
        return vision.FaceLandmarker.create_from_options(
            _landmarker_options(load_model(), video, max_faces, min_confidence))


def _to_faces(result, width: int, height: int, offset=(0.0, 0.0), scale: float = 1.0,
              far: bool = False) -> list[Face]:
    """MediaPipe's ``FaceLandmarkerResult`` as Faces in pixels of the frame.

    MediaPipe gives x and y as fractions of the analysed picture's width and height, z in the
    width's scale. ``offset`` (x, y) and ``scale`` map a crop's pixels back to the frame:
    frame = crop / scale + offset.
    """
    to_frame = np.array([width, height, width], dtype=np.float32) / np.float32(scale)
    shift = np.array([offset[0], offset[1], 0.0], dtype=np.float32)
    shapes = result.face_blendshapes or []
    matrices = result.facial_transformation_matrixes or []
    faces = []
    for i, marks in enumerate(result.face_landmarks):
        points = np.array([(m.x, m.y, m.z) for m in marks], dtype=np.float32) * to_frame + shift
        box = (float(points[:, 0].min()), float(points[:, 1].min()),
               float(points[:, 0].max()), float(points[:, 1].max()))
        blendshapes = {c.category_name: float(c.score) for c in shapes[i]} if i < len(shapes) else {}
        transform = np.asarray(matrices[i], dtype=np.float32) if i < len(matrices) else None
        faces.append(Face(points, box, blendshapes, transform, far))
    return faces


class _SquareSearch:
    """MediaPipe's full-range face detector on squares of a frame. The detector is made on first
    use; one thread at a time calls it."""

    def __init__(self, model: bytes, min_confidence: float) -> None:
        self._model = model
        self._min_confidence = min_confidence
        self._detector = None

    def in_frame(self, crop: np.ndarray, square: Square) -> list[Box]:
        """Boxes (x0, y0, x1, y1, frame pixels) of the faces found in ``crop``, the frame's ``square``."""
        x0, y0 = square[:2]
        return [(x0 + a, y0 + b, x0 + c, y0 + d) for a, b, c, d in self(crop)]

    def __call__(self, square: np.ndarray) -> list[Box]:
        """Boxes (x0, y0, x1, y1, pixels of ``square``) of the faces the detector finds in it."""
        if self._detector is None:
            vision = _vision()
            from mediapipe.tasks.python import BaseOptions

            options = vision.FaceDetectorOptions(base_options=BaseOptions(model_asset_buffer=self._model),
                                                 min_detection_confidence=self._min_confidence)
            with native_stderr_silenced():
                self._detector = vision.FaceDetector.create_from_options(options)
        result = self._detector.detect(mediapipe_image(square))
        return [(b.origin_x, b.origin_y, b.origin_x + b.width, b.origin_y + b.height)
                for b in (found.bounding_box for found in result.detections)]

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()
            self._detector = None


class _BackgroundSearch:
    """The search for distant faces on a worker thread of its own, so a stream never waits for it.

    One square at a time: :meth:`offer` hands the worker a copy of a square of the frame when the
    last one's boxes have been collected (and declines otherwise); :meth:`collect` gives the boxes
    found, in frame pixels, once that square is done. The worker's thread alone uses the face
    detector, and closes it as its last job.
    """

    def __init__(self, squares: _SquareSearch) -> None:
        self._squares = squares
        self._worker = Worker("distant-face search")
        self._searching: Future | None = None  # the square offered last, until collected

    def offer(self, rgb: np.ndarray, square: Square) -> bool:
        """Search ``square`` (x0, y0, x1, y1) of ``rgb`` next, if idle; True if taken on."""
        if self._searching is not None:
            return False
        x0, y0, x1, y1 = square
        self._searching = self._worker.submit(self._search, rgb[y0:y1, x0:x1].copy(), square)
        return True

    def _search(self, crop: np.ndarray, square: Square) -> tuple[Square, list[Box]]:
        return square, self._squares.in_frame(crop, square)

    def collect(self) -> tuple[Square, list[Box]] | None:
        """The square last offered and the boxes found in it, once it is searched (until then
        None); raises what the search raised."""
        if self._searching is None or not self._searching.done():
            return None
        found = self._searching.result()
        self._searching = None
        return found

    def wait(self) -> None:
        """Until the square last offered has been searched (tests; no timing depends on it)."""
        if self._searching is not None:
            futures.wait([self._searching])

    def close(self) -> None:
        """Stop after the square being searched; then the worker closes the detector and ends."""
        if not self._worker.closed:
            self._worker.submit(self._squares.close)
            self._worker.close(CLOSE_WAIT_S)


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

    A ``max_faces`` or ``min_confidence`` out of range (or not a number) raises ``ValueError``
    before the model is read. Use it as a context manager (or call :meth:`close`): MediaPipe must be closed explicitly.
    Calls from several threads take turns; :meth:`close` waits for the call under way, and any
    call after it raises ``ValueError``.
    """

    def __init__(self, max_faces: int = DEFAULT_MAX_FACES, model: str | Path | None = None,
                 min_confidence: float = 0.5):
        try:
            positive_whole(max_faces, "max_faces", most=MAX_FACES_RANGE[1])
        except TypeError as error:  # FaceMesh refuses every bad setting with a ValueError
            raise ValueError(str(error)) from None
        if not (is_number(min_confidence) and 0.0 <= min_confidence <= 1.0):  # False for nan
            raise ValueError(f"min_confidence must be a number 0-1, not {min_confidence!r}")
        self.max_faces = int(max_faces)
        self.min_confidence = float(min_confidence)
        self._model_path = Path(model) if model is not None else None  # None: the bundled model
        self._model = load_model(model)
        self._detector_model = load_detector_model()
        self._turn = threading.Lock()  # one call into MediaPipe at a time; close() waits for it
        self._closed = False
        self._image_mode = None
        self._video_mode = None
        self._squares = _SquareSearch(self._detector_model, min_confidence)  # searched during track()
        self._background: _BackgroundSearch | None = None  # or on a worker of its own
        self._last_ms = -1  # timestamp last given to MediaPipe's VIDEO mode
        self._far: list[Face] = []  # distant faces followed from frame to frame, their age counted
        self._gray: np.ndarray | None = None  # the frame before in grey, while distant faces are followed
        self._gray_ms = -np.inf  # its time as the stream gave it, ms
        self._disputed: dict[Square, list[Box]] = {}  # near meshes no detector box agreed with
        self._last_square = 0  # of search_squares(), the one the spread-out search for distant faces did last
        self._last_search_ms = -np.inf  # stream time of the last square searched

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
        with self._turn:
            if on and self._background is None:
                self._check_open()
                self._background = _BackgroundSearch(_SquareSearch(self._detector_model, self.min_confidence))
            elif not on and self._background is not None:
                self._background.close()
                self._background = None

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("this FaceMesh is closed")

    def _create(self, video: bool):
        with native_stderr_silenced():
            try:
                return _vision().FaceLandmarker.create_from_options(
                    _landmarker_options(self._model, video, self.max_faces, self.min_confidence))
            except (RuntimeError, ValueError) as error:
                first = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
                where = self._model_path or asset_path(MODEL_NAME)
                raise ModelError(f"{where}: face landmarker model could not be loaded ({first}); "
                                 "use the official face_landmarker.task") from None

    def _still_landmarker(self):
        """The still-picture landmarker (MediaPipe IMAGE mode), made on first use."""
        if self._image_mode is None:
            self._image_mode = self._create(video=False)
        return self._image_mode

    @staticmethod
    def _image(rgb: np.ndarray):
        check_picture(rgb, "rgb")
        return mediapipe_image(rgb)

    def _search(self, rgb: np.ndarray, squares: list[Square]) -> list[Box]:
        """Boxes (x0, y0, x1, y1, frame pixels) of faces the detector finds in ``squares``."""
        boxes: list[Box] = []
        for x0, y0, x1, y1 in squares:
            for box in self._squares.in_frame(rgb[y0:y1, x0:x1], (x0, y0, x1, y1)):
                if not any(inside(box_centre(box), other) for other in boxes):  # the same face in two squares
                    boxes.append(box)
        return boxes

    def _mesh_crop(self, rgb: np.ndarray, box: tuple[float, float, float, float], margin: float) -> Face | None:
        """Mesh the face in ``box`` through an enlarged square crop around it; None if lost or if
        the mesh does not agree with ``box`` (it found something else in the crop)."""
        centre_x, centre_y = box_centre(box)
        side = max(box[2] - box[0], box[3] - box[1]) * margin
        scale = CROP_SIDE / side
        x0, y0 = centre_x - side / 2.0, centre_y - side / 2.0
        matrix = np.array([[scale, 0.0, -x0 * scale], [0.0, scale, -y0 * scale]], dtype=np.float64)
        crop = cv2.warpAffine(rgb, matrix, (CROP_SIDE, CROP_SIDE), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
        result = self._still_landmarker().detect(self._image(crop))
        faces = _to_faces(result, CROP_SIDE, CROP_SIDE, (x0, y0), scale, far=True)
        if not faces:
            return None
        face = min(faces, key=lambda f: (f.centre[0] - centre_x) ** 2 + (f.centre[1] - centre_y) ** 2)
        return face if agrees(face.box, box) else None

    def _add_far(self, rgb: np.ndarray, faces: list[Face], boxes: list[Box]) -> list[Face]:
        """Faces in ``boxes`` that are not in ``faces`` yet, meshed, up to ``max_faces``."""
        added: list[Face] = []
        for box in boxes:
            if len(faces) + len(added) >= self.max_faces:
                break
            if is_new(box, [f.box for f in faces + added]):
                face = self._mesh_crop(rgb, box, CROP_MARGIN)
                if face is not None and is_new(face.box, [f.box for f in faces + added]):
                    added.append(face)
        return added

    def detect(self, rgb: np.ndarray) -> list[Face]:
        """Faces in one still picture (RGB uint8, height x width x 3), near and far.

        The landmarker looks at the whole picture, and the full-range detector at squares of it.
        A mesh of the whole picture lying where the detector found a face it does not agree with
        is dropped (it has slid onto a chin and neck); faces the detector found that no mesh
        covers, too small to be seen at once or left by such a mesh, are meshed through their own
        crops.
        """
        with self._turn:
            self._check_open()
            result = self._still_landmarker().detect(self._image(rgb))
            boxes = self._search(rgb, search_squares(rgb.shape[1], rgb.shape[0]))
            faces = [f for f in _distinct(_to_faces(result, rgb.shape[1], rgb.shape[0]))
                     if not contested(f.box, boxes, (rgb.shape[1], rgb.shape[0]))]
            return faces + self._add_far(rgb, faces, boxes)

    def track(self, rgb: np.ndarray, time_ms: float) -> list[Face]:
        """Faces in one frame of a stream, following them from the frame before.

        ``time_ms`` is the frame's time in milliseconds, a finite number (``ValueError``
        otherwise). MediaPipe needs strictly increasing timestamps; if the source's clock repeats
        or goes back (a looping video, a frozen camera) the frame is given the next free
        millisecond instead.

        Near faces are followed by MediaPipe itself. Faces at a distance are searched for one
        square at a time, the whole frame every ``SWEEP_MS`` of stream time (a 1280x720 frame's 8
        squares one every 62.5 ms, about every second frame at 30 fps); each one found is followed
        through its own crop, ``FAR_MESHES_PER_FRAME`` of them meshed a frame in turn; the others
        keep the mesh of the frame it was made from, and their ``Face.age`` says how many frames
        ago that was (0 for a mesh made from this frame).
        """
        if not (is_number(time_ms) and np.isfinite(time_ms)):
            raise ValueError(f"time_ms must be the frame's time as a finite number of milliseconds, "
                             f"not {time_ms!r}")
        with self._turn:
            self._check_open()
            return self._track(rgb, time_ms)

    def _track(self, rgb: np.ndarray, time_ms: float) -> list[Face]:
        if self._video_mode is None:
            self._video_mode = self._create(video=True)
        image = self._image(rgb)  # checks the picture before its timestamp is used up
        stamp = max(int(time_ms), self._last_ms + 1)
        self._last_ms = stamp
        result = self._video_mode.detect_for_video(image, stamp)
        size = (rgb.shape[1], rgb.shape[0])
        meshed = _distinct(_to_faces(result, *size))  # near faces as MediaPipe follows them
        faces = self._undisputed(meshed)
        gray = flow_picture(rgb) if self._far else None
        recent = 0 < time_ms - self._gray_ms <= FLOW_GAP_MS  # not across a video's loop or a pause
        squares = search_squares(*size)
        followed = self._follow(rgb, gray, faces, self._gray if recent else None, squares)
        if len(faces) + len(followed) < self.max_faces:
            searched = self._background.collect() if self._background is not None else None
            if searched is not None:
                faces = self._take_boxes(rgb, meshed, *searched, size, followed)
            if stamp - self._last_search_ms >= SWEEP_MS / len(squares):
                # The still-picture landmarker is made with the first search, not when the first
                # distant face appears: a stream's memory and threads then stay flat after its
                # first frames.
                self._still_landmarker()
                square = squares[(self._last_square + 1) % len(squares)]
                if self._background is None or self._background.offer(rgb, square):
                    self._last_square = (self._last_square + 1) % len(squares)
                    self._last_search_ms = stamp
                if self._background is None:
                    faces = self._take_boxes(rgb, meshed, square, self._search(rgb, [square]), size, followed)
        self._far = followed
        if followed and gray is None:
            gray = flow_picture(rgb)
        self._gray, self._gray_ms = (gray if followed else None), time_ms
        return faces + followed

    def _take_boxes(self, rgb: np.ndarray, meshed: list[Face], square: Square, boxes: list[Box],
                    size: tuple[int, int], followed: list[Face]) -> list[Face]:
        """The near faces once the detector found ``boxes`` in ``square`` (:meth:`_check_near`);
        the distant faces among the boxes are added to ``followed``."""
        faces = self._check_near(meshed, square, boxes, size)
        followed += self._add_far(rgb, faces + followed, boxes)
        return faces

    def _check_near(self, near: list[Face], square: Square, boxes: list[Box],
                    size: tuple[int, int]) -> list[Face]:
        """Near faces, less those lying wholly in ``square`` that the ``boxes`` the detector found
        there contest. Their boxes are remembered: until ``square`` is searched again, a mesh in
        the same place is dropped too (MediaPipe keeps following it)."""
        self._disputed[square] = [f.box for f in near if inside(f.box[:2], square) and inside(f.box[2:], square)
                                  and contested(f.box, boxes, size)]
        return self._undisputed(near)

    def _undisputed(self, near: list[Face]) -> list[Face]:
        """``near`` less the meshes in the place of one a search disputed."""
        return [f for f in near if not any(agrees(f.box, box) for boxes in self._disputed.values() for box in boxes)]

    def _follow(self, rgb: np.ndarray, gray: np.ndarray | None, near: list[Face],
                before: np.ndarray | None, squares: list[Square]) -> list[Face]:
        """The distant faces of the frame before, in this frame (``rgb``, and ``gray`` its grey):
        the ``FAR_MESHES_PER_FRAME`` that waited longest are meshed again through their crops (and
        dropped if lost), the others keep their mesh for now, moved as the picture moved there
        since ``before`` (the grey frame before, None if too long ago: :func:`carried`). Near
        faces ``near`` take precedence over them. A face lost in its crop has the one of the
        ``squares`` around it searched next."""
        turn = set(sorted(range(len(self._far)), key=lambda i: -self._far[i].age)[:FAR_MESHES_PER_FRAME])
        waiting = [i for i in range(len(self._far)) if i not in turn]
        moved = dict(zip(waiting, carried([self._far[i] for i in waiting], before, gray)))
        followed: list[Face] = []
        for i, old in enumerate(self._far):
            if len(near) + len(followed) >= self.max_faces:
                break
            if i in turn:
                # The landmarks' box is tighter than the detector's, so the crop gets a wider margin.
                face = self._mesh_crop(rgb, old.box, CROP_MARGIN * 1.3)
            else:
                face = replace(moved[i], age=old.age + 1)
            if face is not None and is_new(face.box, [f.box for f in near + followed]):
                followed.append(face)
            elif face is None:  # lost in its crop: the square around it is searched next
                nearest = min(range(len(squares)), key=lambda k: np.hypot(*np.subtract(box_centre(squares[k]),
                                                                                       old.centre)))
                self._last_square = (nearest - 1) % len(squares)
        return followed

    def wait_for_search(self) -> None:
        """Until the background search has finished the square it was given (if it is on).

        For scripts and tests that want the same faces on every run; the live loop never waits.
        """
        with self._turn:
            if self._background is not None:
                self._background.wait()

    @property
    def last_timestamp_ms(self) -> int:
        """The timestamp (ms) last given to MediaPipe's stream mode; -1 before the first frame."""
        return self._last_ms

    def close(self) -> None:
        """Release MediaPipe's graphs, after the call under way (waiting at most
        ``CLOSE_WAIT_S``). Safe to call twice."""
        if not self._turn.acquire(timeout=CLOSE_WAIT_S):
            raise RuntimeError(f"a MediaPipe call has not returned in {CLOSE_WAIT_S:g} s; "
                               "its landmarker is left open rather than closed under it")
        try:
            self._closed = True
            if self._background is not None:
                self._background.close()  # its worker closes its own detector
                self._background = None
            for task in (self._image_mode, self._video_mode):
                if task is not None:
                    task.close()
            self._squares.close()
            self._image_mode = self._video_mode = None
        finally:
            self._turn.release()

    def __enter__(self) -> FaceMesh:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
