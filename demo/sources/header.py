"""What a picture file's header says, before anything is decoded: its size, its brands, and
whether it can have transparent pixels.

A 3 MB PNG can say it is 32768 x 32768 pixels and take 6 GB to decode (a "decompression bomb").
:func:`image_size` reads only the few bytes that hold width and height, for the formats Machine
Eyes reads: PNG, JPEG, BMP, WebP, TIFF and PGM/PPM. For anything else it answers None, and
OpenCV's own limit (``OPENCV_IO_MAX_IMAGE_PIXELS``) still applies when it decodes.

:func:`transparency` tells from a PNG's, WebP's, TIFF's or AVIF's header whether the picture can
have transparent pixels, so that only such a file is decoded a second time with its alpha channel,
and how its EXIF orientation turns it. BMP is left out: many 32-bit BMPs hold 0 in their fourth
byte and mean it opaque.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import BinaryIO

# JPEG markers that start a frame and hold its size (SOF0-SOF15 except DHT, JPG and DAC).
_JPEG_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_NO_LENGTH = {0x01, *range(0xD0, 0xD9)}  # TEM, RST0-7, SOI: markers without a length
PICTURE_BRANDS = {b"avif", b"avis", b"mif1", b"msf1"}  # AVIF and plain HEIF pictures, not videos
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
EXTRA_SAMPLES_TAG = 338  # a TIFF's ExtraSamples: 0 padding (RGBX), 1 associated alpha, 2 unassociated
SAMPLES_TAG, PHOTOMETRIC_TAG = 277, 262  # a TIFF's samples per pixel, and its colours (0, 1 grey, 2 RGB)
ORIENTATION_TAG = 274  # EXIF orientation: 1 as stored; to the turn OpenCV gives (demo.sources.image.turned)
ORIENTATION_TURNS = {1: 0, 2: 4, 3: 2, 4: 6, 5: 5, 6: 3, 7: 7, 8: 1}
AVIF_ALPHA = b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha"  # an AVIF's alpha item (auxC box)
HEADER_BYTES = 65536  # read at most this much of a header chunk or an AVIF's start
HEADER_CHUNKS = 1000  # and look at most at this many chunks or IFD entries
PNG_CHUNKS = 100_000  # a PNG's chunks looked at, up to its end (libpng writes 8 KB IDAT chunks: 800 MB)


def image_size(file: BinaryIO) -> tuple[int, int] | None:
    """(width, height) in pixels as the header of the open ``file`` says; None if unknown or unreadable."""
    head = file.read(32)
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if head.startswith(b"\xff\xd8"):
            return _jpeg_size(file)
        if head.startswith(b"BM"):
            header_size = struct.unpack("<I", head[14:18])[0]
            if header_size == 12:  # the old OS/2 header: 16-bit sides
                return struct.unpack("<HH", head[18:22])
            width, height = struct.unpack("<ii", head[18:26])
            return abs(width), abs(height)  # a negative height means rows stored top down
        if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
            return _webp_size(head + file.read(8))
        if head[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_size(file)
        if head[:1] == b"P" and head[1:2] in b"123456":
            return _pnm_size(head + file.read(480))
    except (struct.error, ValueError, IndexError, OSError):
        return None
    return None


def _jpeg_size(file: BinaryIO) -> tuple[int, int] | None:
    file.seek(2)
    while True:
        byte = file.read(1)
        if byte != b"\xff":
            return None
        marker = file.read(1)
        while marker == b"\xff":  # fill bytes before a marker
            marker = file.read(1)
        if not marker or marker[0] in (0xD9, 0xDA):  # the end, or the picture data before any frame header
            return None
        if marker[0] in _JPEG_NO_LENGTH:
            continue
        length = struct.unpack(">H", file.read(2))[0]
        if marker[0] in _JPEG_FRAMES:
            _, height, width = struct.unpack(">BHH", file.read(5))
            return width, height
        file.seek(length - 2, 1)


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 ":  # lossy: 14-bit sides after the key frame's start code
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: two 14-bit sides minus one, after a signature byte
        bits = struct.unpack("<I", head[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: two 24-bit sides minus one
        return (int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1)
    return None


def _tiff_size(file: BinaryIO) -> tuple[int, int] | None:
    file.seek(0)
    sides = ifd_values(file)  # ImageWidth, ImageLength: a SHORT or a LONG
    return (sides[256], sides[257]) if 256 in sides and 257 in sides else None


def _pnm_size(head: bytes) -> tuple[int, int] | None:
    words = []
    for line in head[2:].split(b"\n"):
        words += line.split(b"#")[0].split()
        if len(words) >= 2:
            return int(words[0]), int(words[1])
    return None


def ftyp_brands(head: bytes) -> set[bytes]:
    """The brands an MP4, MOV, HEIC or AVIF file names in the "ftyp" box it starts with (its major
    brand and the compatible ones, each 4 bytes, such as ``b"heic"``), from its first bytes
    ``head``; empty for any other file."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return set()
    size, start = int.from_bytes(head[:4], "big"), 8
    if size == 1:  # the box's size in the 8 bytes after its name
        size, start = int.from_bytes(head[8:16], "big"), 16
    end = len(head) if size == 0 else min(len(head), size)  # 0: the box runs to the end of the file
    return {head[start:start + 4]} | {head[i:i + 4] for i in range(start + 8, end - 3, 4)}


def transparency(path: Path) -> tuple[bool, int]:
    """What the header of the picture file ``path`` says of transparency: whether it can have
    transparent pixels (a PNG of colour type 4 or 6 or with a tRNS chunk, a WebP with its alpha flag
    or lossless, a TIFF whose ExtraSamples say alpha, an AVIF with an alpha item), and the turn (see
    :func:`turned`) that lays its alpha channel read with IMREAD_UNCHANGED on the picture read with
    READ_FLAGS. OpenCV turns a PNG's or WebP's colours by their EXIF orientation but not that read; it
    turns a TIFF the same way in both reads, and an AVIF in neither. (False, 0) for any other file.
    """
    try:
        with path.open("rb") as file:
            head = file.read(64)
            file.seek(0)
            if head.startswith(PNG_MAGIC):
                return png_transparency(file)
            if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                return webp_transparency(file)
            if head[:4] in TIFF_MAGIC:
                return tiff_alpha(file), 0
            if ftyp_brands(head) & PICTURE_BRANDS:  # the alpha item's URN, in the metadata before the data
                return AVIF_ALPHA in file.read(HEADER_BYTES), 0
    except OSError:
        pass
    return False, 0


def png_transparency(file: BinaryIO) -> tuple[bool, int]:
    """:func:`transparency` of the PNG ``file``, from its chunks: IHDR and tRNS come before the
    picture data (IDAT), eXIf may come before or after it (OpenCV reads it either way)."""
    alpha, turn, place = False, 0, len(PNG_MAGIC)
    for _ in range(PNG_CHUNKS):
        file.seek(place)
        head = file.read(8)
        if len(head) < 8 or head[4:] == b"IEND" or (head[4:] == b"IDAT" and not alpha):
            break
        size = int.from_bytes(head[:4], "big")
        if head[4:] == b"IHDR":
            alpha = file.read(13)[9:10] in (b"\x04", b"\x06")  # colour type: grey+alpha, RGBA
        elif head[4:] == b"tRNS":
            alpha = True
        elif head[4:] == b"eXIf":
            turn = exif_turn(file.read(min(size, HEADER_BYTES)))  # the orientation is near its start
        place += 12 + size  # length, name, data, CRC
    return alpha, turn if alpha else 0


def tiff_alpha(file: BinaryIO) -> bool:
    """Whether the TIFF ``file``'s first IFD gives it an alpha channel: ExtraSamples 1 or 2 (0 is
    padding, RGBX); without that tag, grey or RGB with one more sample, as OpenCV writes RGBA and
    reads it back."""
    values = ifd_values(file)
    if EXTRA_SAMPLES_TAG in values:
        return values[EXTRA_SAMPLES_TAG] in (1, 2)
    return values.get(SAMPLES_TAG) in (2, 4) and values.get(PHOTOMETRIC_TAG) in (0, 1, 2)  # not CMYK


def webp_transparency(file: BinaryIO) -> tuple[bool, int]:
    """:func:`transparency` of the WebP ``file``: a lossless one (VP8L) may have alpha, an extended one
    (VP8X) says so in its flags, and where its EXIF chunk is."""
    head = file.read(21)
    if head[12:16] == b"VP8L":
        return True, 0
    if head[12:16] != b"VP8X" or not head[20:21] or not head[20] & 0x10:  # 0x10: alpha, 0x08: EXIF
        return False, 0
    turn, place = 0, 12
    for _ in range(HEADER_CHUNKS if head[20] & 0x08 else 0):
        file.seek(place)
        chunk = file.read(8)
        if len(chunk) < 8:
            break
        size = int.from_bytes(chunk[4:], "little")
        if chunk[:4] == b"EXIF":
            turn = exif_turn(file.read(min(size, HEADER_BYTES)))  # the orientation is near its start
            break
        place += 8 + size + size % 2  # chunks are padded to an even size
    return True, turn


def exif_turn(exif: bytes) -> int:
    """The turn (see :func:`turned`) that EXIF orientation in the block ``exif`` (TIFF-structured, as a
    PNG's eXIf or a WebP's EXIF chunk holds it) asks for; 0 if it says none or cannot be read."""
    block = io.BytesIO(exif[6:] if exif.startswith(b"Exif\x00\x00") else exif)
    return ORIENTATION_TURNS.get(ifd_values(block).get(ORIENTATION_TAG), 0)


def ifd_values(file: BinaryIO) -> dict[int, int]:
    """The first value of each SHORT or LONG tag in the first IFD of the TIFF-structured ``file``
    (from where it is now), by tag; empty if the data is malformed. Enough for the few tags read
    here: sides, samples, colours, ExtraSamples, orientation."""
    start = file.tell()
    head = file.read(8)
    order = {b"II*\x00": "little", b"MM\x00*": "big"}.get(head[:4])
    if order is None or len(head) < 8:
        return {}
    file.seek(start + int.from_bytes(head[4:], order))
    count = int.from_bytes(file.read(2), order)
    entries = file.read(12 * min(count, HEADER_CHUNKS))
    values: dict[int, int] = {}
    for entry in (entries[i:i + 12] for i in range(0, len(entries) - 11, 12)):
        tag, kind, many = (int.from_bytes(entry[a:b], order) for a, b in ((0, 2), (2, 4), (4, 8)))
        width = {3: 2, 4: 4}.get(kind)  # SHORT, LONG: bytes a value
        if width is None or not many or tag in values:
            continue
        value = entry[8:8 + width]
        if many * width > 4:  # more than the entry holds: they are where it points
            file.seek(start + int.from_bytes(entry[8:], order))
            value = file.read(width)
        if len(value) == width:
            values[tag] = int.from_bytes(value, order)
    return values
