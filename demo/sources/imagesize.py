"""A picture's size from its file header, before anything is decoded.

A 3 MB PNG can say it is 32768 x 32768 pixels and take 6 GB to decode (a "decompression bomb").
:func:`image_size` reads only the few bytes that hold width and height, for the formats Machine
Eyes reads: PNG, JPEG, BMP, WebP, TIFF and PGM/PPM. For anything else it answers None, and
OpenCV's own limit (``OPENCV_IO_MAX_IMAGE_PIXELS``) still applies when it decodes.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

# JPEG markers that start a frame and hold its size (SOF0-SOF15 except DHT, JPG and DAC).
_JPEG_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_NO_LENGTH = {0x01, *range(0xD0, 0xD9)}  # TEM, RST0-7, SOI: markers without a length


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
            return _tiff_size(file, "<" if head[:2] == b"II" else ">")
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


def _tiff_size(file: BinaryIO, order: str) -> tuple[int, int] | None:
    file.seek(4)
    file.seek(struct.unpack(order + "I", file.read(4))[0])
    sides = {}
    for _ in range(struct.unpack(order + "H", file.read(2))[0]):
        tag, kind, _count, value = struct.unpack(order + "HHI4s", file.read(12))
        if tag in (256, 257):  # ImageWidth, ImageLength: a SHORT or a LONG
            sides[tag] = struct.unpack(order + ("H" if kind == 3 else "I"), value[:2] if kind == 3 else value)[0]
    return (sides[256], sides[257]) if len(sides) == 2 else None


def _pnm_size(head: bytes) -> tuple[int, int] | None:
    words = []
    for line in head[2:].split(b"\n"):
        words += line.split(b"#")[0].split()
        if len(words) >= 2:
            return int(words[0]), int(words[1])
    return None
