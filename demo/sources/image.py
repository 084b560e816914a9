"""Still images: read one file as RGB, or offer it again and again as a source.

A picture is refused from its header if it has more pixels than asked for (a 3 MB PNG can say
32768 x 32768 and take 6 GB to decode), and libjpeg's warnings about damaged data, which OpenCV
lets it print to stderr, are caught and said in one line. A phone's HEIC/HEIF photo is refused
with a line asking for a JPEG: OpenCV cannot read it whole. A picture with transparent parts (a
portrait cut out of its background, a logo) is laid over a plain light grey as it is read.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from demo.base.quiet import native_stderr_captured
from demo.sources.frames import Frame, SourceError, checked_file, to_rgb
from demo.sources.header import PICTURE_BRANDS, ftyp_brands, image_size, transparency

IMAGE_FPS = 30.0  # how often a still image is offered again in the live window
# Longest side of a still image in the live window, as a Full HD (1920x1080) camera's frame: the
# pipeline is tuned for camera frames (render shrinks to 1920 px for the landmarker too), a screen
# shows no more, and a 12 MP photo's every pixel through it each frame made the window crawl.
# ``machine-eyes render`` reads pictures with load_image and keeps them at full size.
LIVE_MAX_SIDE = 1920  # pixels
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".avif", ".tif", ".tiff", ".pgm", ".ppm",
                  ".heic", ".heif"}
# A phone's HEIC/HEIF photo: OpenCV's picture reader cannot decode it, and its video reader (FFmpeg)
# gives only the first 512 px tile of a phone's tiled photo (or a 64 px one's uncropped frame), so
# it is refused with what to do, as a picture: taken for a video, it became a wrong one-frame MP4.
HEIF_SUFFIXES = {".heic", ".heif"}
HEIF_PROBLEM = ("a HEIC/HEIF photo, which OpenCV cannot read whole; convert it to JPEG (photo apps can "
                "export it; an iPhone takes JPEGs with Settings > Camera > Formats > Most Compatible)")
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}  # HEVC-coded HEIF in an "ftyp" box
# Pixels of the largest picture read; larger ones are refused from their header before decoding
# (--max-pixels raises it). Decoding 100 megapixels takes about 0.6 GB (DECODE_BYTES_PER_PIXEL;
# 0.59 GB measured); the live window then keeps only its LIVE_MAX_SIDE copy. A picture whose header
# allows an alpha channel (see transparency) is decoded a second time with it, while its RGB copy is
# kept: about 11 bytes a pixel, 1.1 GB at 100 megapixels (a 48 MP RGBA PNG: 0.52 GB measured, 5.9
# bytes a pixel for an RGB one); the refusal's estimate stays the common case's.
MAX_PIXELS = 100_000_000
DECODE_BYTES_PER_PIXEL = 6  # the decoded BGR picture and its RGB copy, 3 bytes each
JPEG_DAMAGE = ("Corrupt JPEG data", "Premature end of JPEG file")  # libjpeg's warnings about lost data
# Grey stays grey, 16 bit and float stay deep (to_rgb scales them), and EXIF orientation is applied
# so a phone's photo is upright. These flags drop an alpha channel; IMREAD_UNCHANGED keeps it but
# ignores the orientation (a portrait photo came out lying on its side), so laid_over_ground reads
# the alpha channel on its own.
READ_FLAGS = cv2.IMREAD_ANYDEPTH | cv2.IMREAD_ANYCOLOR
# What shows through a picture's transparent pixels (RGB): a plain light grey. Without it the colours
# stored under them showed (black, or whatever a cut-out kept) and the HOG view drew their edges.
TRANSPARENT_GROUND = (200, 200, 200)
BLEND_ROWS = 256  # rows blended at a time (see laid_over_ground)


def too_many_pixels(path: Path, size: tuple[int, int], max_pixels: int) -> str:
    """The one line refusing a picture of ``size`` (width, height) pixels above ``max_pixels``."""
    width, height = size
    memory = width * height * DECODE_BYTES_PER_PIXEL / 1e9
    return (f"{path}: {width}x{height} pixels is more than the {max_pixels:,} pixels allowed (decoding it "
            f"would take about {memory:.1f} GB); add --max-pixels {width * height} if the computer has the memory")


def load_image(path: str | Path, max_pixels: int = MAX_PIXELS) -> tuple[np.ndarray, str | None]:
    """A still image file as RGB uint8, and libjpeg's warning if its data is damaged (else None).

    The header is read first: a picture of more than ``max_pixels`` is refused before decoding.
    A damaged JPEG still decodes, its lost part grey; the warning says so. A photo whose EXIF
    orientation says it was taken turned (a phone held upright) is turned upright, as viewers show it.

    Raises
    ------
    SourceError
        One line naming the file and what to do.
    """
    path = checked_file(path)
    try:
        with path.open("rb") as file:
            head = file.read(64)
            brands = ftyp_brands(head)
            file.seek(0)
            size = image_size(file)
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror}); check its permissions") from None
    if size is not None and size[0] * size[1] > max_pixels:
        raise SourceError(too_many_pixels(path, size, max_pixels))
    if path.suffix.lower() in HEIF_SUFFIXES or brands & HEIF_BRANDS:  # also a HEIC photo named .jpg
        raise SourceError(f"{path}: {HEIF_PROBLEM}")
    refused = ""
    with native_stderr_captured() as said:
        try:
            image = cv2.imread(str(path), READ_FLAGS)
        except cv2.error as error:  # OpenCV's own limit on pixels, or a header it cannot take
            image, refused = None, str(error)
    if "CV_IO_MAX_IMAGE_PIXELS" in refused:
        raise SourceError(f"{path}: more pixels than OpenCV reads; to read it anyway set the environment "
                          "variable OPENCV_IO_MAX_IMAGE_PIXELS to its pixel count")
    if image is None or image.size == 0:
        if brands and not brands & PICTURE_BRANDS:
            suffix = ".mov" if b"qt  " in brands else ".mp4"
            raise SourceError(f"{path}: a video (MP4 or MOV) with a picture's name; rename it to {suffix}")
        raise SourceError(f"{path}: damaged, or not an image OpenCV can read; use a PNG, JPEG, BMP, WebP "
                          "or TIFF file")
    damage = next((line.strip() for line in said if line.startswith(JPEG_DAMAGE)), None)
    rgb = to_rgb(image)
    del image  # a large picture's decoded copy, before the alpha channel is read
    can_be_transparent, turn = transparency(path)
    if can_be_transparent:  # only then is the picture decoded a second time, with its alpha channel
        rgb = laid_over_ground(path, rgb, turn)
    return rgb, damage


def laid_over_ground(path: Path, rgb: np.ndarray, turn: int = 0) -> np.ndarray:
    """``rgb`` (the picture in ``path`` as read with READ_FLAGS) laid over ``TRANSPARENT_GROUND`` as
    the file's alpha channel says: the ground where it is transparent, a blend where it is partly so.
    ``turn`` (see :func:`turned`, from :func:`transparency`) turns the alpha channel as OpenCV turned
    ``rgb``. ``rgb`` itself if the file has no alpha channel, or one that is 0 everywhere (padding);
    else ``rgb`` is changed in place and returned.
    """
    with native_stderr_captured():
        try:
            raw = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        except cv2.error:
            raw = None
    if raw is None or raw.ndim != 3 or raw.shape[2] != 4:
        return rgb
    alpha = cv2.extractChannel(raw, 3)
    if raw.dtype.kind == "f":
        np.clip(alpha, 0.0, 1.0, out=alpha)
    scale = 255.0 if raw.dtype.kind == "f" else 255.0 / np.iinfo(raw.dtype).max  # 255, or 65535 for 16 bit
    del raw
    if scale != 1.0:
        alpha = cv2.convertScaleAbs(alpha, alpha=scale)  # 0-255, rounded
    alpha = turned(alpha, turn)
    if alpha.shape != rgb.shape[:2] or not alpha.any() or alpha.min() == 255:
        return rgb
    # In bands of rows, so the 16-bit sums take a band's memory, not a picture's (float32 copies of a
    # 48 MP picture took 2 GB); a band opaque all through is left as it is.
    ground = np.array(TRANSPARENT_GROUND, np.uint16)
    for top in range(0, rgb.shape[0], BLEND_ROWS):
        band_alpha = alpha[top:top + BLEND_ROWS]
        if band_alpha.min() == 255:
            continue
        band_alpha = band_alpha[..., None].astype(np.uint16)
        band = rgb[top:top + BLEND_ROWS]
        band[...] = (band * band_alpha + ground * (255 - band_alpha) + 127) // 255  # at most 65152
    return rgb


def turned(picture: np.ndarray, turn: int) -> np.ndarray:
    """``picture`` turned one of 8 ways (0-7): ``turn % 4`` quarter turns counter-clockwise, of the
    picture mirrored left to right when ``turn >= 4``; 0 is the picture as it is."""
    return np.rot90(picture[:, ::-1] if turn >= 4 else picture, turn % 4)


def damaged_message(path: Path, damage: str, hint: str = "use an undamaged copy") -> str:
    """The one line refusing a picture whose data is damaged (``damage``: libjpeg's warning)."""
    return f"{path}: damaged picture data, parts would be grey ({damage}); {hint}"


def read_image(path: str | Path, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read a still image file as RGB uint8, or raise :class:`SourceError` naming the file.

    A picture whose data is damaged is refused too (see :func:`load_image` to take it anyway).
    """
    rgb, damage = load_image(path, max_pixels)
    if damage:
        raise SourceError(damaged_message(Path(path), damage))
    return rgb


def shrunk(picture: np.ndarray, max_side: int) -> np.ndarray:
    """``picture`` shrunk (aspect kept, area averaging) so its longest side is at most ``max_side``
    pixels; a picture that already fits is returned as it is."""
    height, width = picture.shape[:2]
    scale = max_side / max(width, height)
    if scale >= 1.0:
        return picture
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(picture, size, interpolation=cv2.INTER_AREA)


class ImageSource:
    """A still image offered again and again, each time as a new frame.

    A picture larger than a camera's frame is shrunk once, as it is loaded, to ``LIVE_MAX_SIDE``
    pixels on its longest side (see :func:`shrunk`).
    """

    live = False
    fps = IMAGE_FPS

    def __init__(self, path: str | Path, max_pixels: int = MAX_PIXELS):
        self.name = Path(path).name
        self._rgb = shrunk(read_image(path, max_pixels), LIVE_MAX_SIDE)
        self._index = 0

    def read(self) -> Frame:
        frame = Frame(self._rgb, self._index, self._index * 1000.0 / self.fps)
        self._index += 1
        return frame

    def close(self) -> None:
        pass
