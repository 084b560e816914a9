"""Screenshots of step 8, "Try to fool them", for docs/screens: each challenge and the summary card.

The states come from the tests' recorded clips (tests/challenge_clips.py: the bundled photo
tilted, moved away), played through the real landmarker and HOG face pattern, and are drawn by
the same function as the live window and ``machine-eyes render --stage 8``. Run from the
repository's root::

    SDL_VIDEODRIVER=dummy python tools/challenge_screens.py [docs/screens]
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from challenge_clips import STEP_MS, distance_clip, tilt_clip  # noqa: E402
from demo.base.choices import CHALLENGE_STAGE  # noqa: E402
from demo.perception.challenge import CHALLENGES, Challenge, observe  # noqa: E402
from demo.perception.landmarks import FaceMesh  # noqa: E402
from demo.picture.compose import ViewSettings  # noqa: E402
from demo.picture.layout import Overlays  # noqa: E402
from demo.picture.stages import Scene, pattern_scan, window_picture  # noqa: E402
from demo.picture.text import load_texts  # noqa: E402
from demo.sources.sample import load_sample_photo  # noqa: E402

WINDOWS = ((1280, 720), (1080, 1920))


def play(clip, stage: int, stops: dict[int, str]) -> dict[str, tuple]:
    """Play ``clip`` from challenge ``stage``; at each frame in ``stops`` keep (frame, faces, scan,
    challenge) under its name."""
    challenge, kept = Challenge(stage=stage), {}
    with FaceMesh(max_faces=2) as mesh:
        for k, frame in enumerate(clip.frames):
            faces = mesh.track(frame, k * STEP_MS)
            scan = pattern_scan(frame)
            challenge.update(k * STEP_MS, frame, observe(faces, scan))
            if k in stops:
                kept[stops[k]] = (frame, faces, scan, copy.deepcopy(challenge))
    return kept


def save(path: Path, rgb) -> None:
    """A full-colour PNG (a 256-colour one turned the small green lights grey)."""
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "docs" / "screens"
    out.mkdir(parents=True, exist_ok=True)
    photo = load_sample_photo()
    with FaceMesh(max_faces=1) as still:
        points = still.detect(photo)[0].points
    states = play(tilt_clip(photo, points), 0, {30: "1-hog-won"})
    states |= play(distance_clip(photo, points, 70), CHALLENGES.index("net"), {5: "2-net"})
    states |= play(distance_clip(photo, points, 70), CHALLENGES.index("both"), {55: "3-both-won"})
    frame, faces, scan, last = states["3-both-won"]
    summary = Challenge(stage=len(CHALLENGES), wins={"hog": states["1-hog-won"][3].wins["hog"],
                                                      "both": last.wins["both"]})
    states["4-summary"] = (frame, faces, scan, summary)
    texts = load_texts("en")
    for name, (frame, faces, scan, challenge) in states.items():
        for window in WINDOWS:
            scene = Scene(frame, faces, ViewSettings(), CHALLENGE_STAGE, scan, challenge)
            picture = window_picture(scene, texts, window, overlays=Overlays(not_recorded=True))
            path = out / f"challenge-{window[0]}x{window[1]}-{name}.png"
            save(path, picture)
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
