"""Steps 5 and 8 in the live window: the face pattern searches the next frame while this one is
drawn; at step 5 half the pyramid's levels a frame, in turn; a frame is drawn with its own part of the
search combined with the other part's search of the frame before it, never older; the first
frame, a frame after reset, a picture that stays and a frame of another size are searched whole,
and at step 8 every frame."""

from __future__ import annotations

import numpy as np

from demo.live.pipeline import Seen
from demo.live.search import PARTS, PatternSearch
from demo.perception.detector import ScanResult, combine
from demo.picture.stages import pattern_part, pattern_scan
from demo.sources import Frame, SampleSource

HEAT_TOLERANCE = 1e-6  # face probability


def seen_at(index: int, rows: int = 480) -> Seen:
    return Seen(Frame(SampleSource().frame_at(index)[:rows].copy(), index, index * 33.0), [])


def same(scan: ScanResult, expected: ScanResult) -> bool:
    return (np.allclose(scan.heat, expected.heat, atol=HEAT_TOLERANCE)
            and [d.box for d in scan.detections] == [d.box for d in expected.detections])


def whole(seen: Seen) -> ScanResult:
    return pattern_scan(seen.frame.rgb)


def spread(shown: Seen, before: Seen, part: int) -> ScanResult:
    """Part ``part`` of ``shown``'s search combined with the other part of ``before``'s."""
    return combine([pattern_part(shown.frame.rgb, (part, PARTS)),
                    pattern_part(before.frame.rgb, (1 - part, PARTS))])


def test_each_frame_is_drawn_with_its_part_and_the_frame_befores_other_part():
    frames = [seen_at(i * 20) for i in range(7)]
    assert PARTS == 2
    with PatternSearch() as search:
        first, scan = search.shift(frames[0])
        assert first is frames[0] and same(scan, whole(frames[0]))  # nothing before it: whole
        assert search.shift(frames[1])[0] is frames[0]  # frame 1 is being searched meanwhile
        shown, scan = search.shift(frames[2])
        assert shown is frames[1] and same(scan, whole(frames[1]))  # no part before it: whole
        parts = []
        for k in range(3, 7):
            shown, scan = search.shift(frames[k])
            assert shown is frames[k - 1]
            current, before = frames[k - 1], frames[k - 2]
            matches = [part for part in range(2) if same(scan, spread(current, before, part))]
            assert len(matches) == 1, "not this frame's part and the frame before's other part"
            assert not same(scan, whole(current))  # the frames differ: half of it is the frame before
            parts += matches
        assert parts in ([0, 1, 0, 1], [1, 0, 1, 0])  # the parts take turns


def test_the_challenge_searches_every_frame_whole():
    """Step 8 reads from each frame whether HOG still sees the visitor: no part of the frame before."""
    frames = [seen_at(i * 20) for i in range(6)]
    with PatternSearch() as search:
        search.shift(frames[0], spread=False)
        for k in range(1, 6):
            shown, scan = search.shift(frames[k], spread=False)
            assert shown is frames[k - 1] and same(scan, whole(frames[k - 1]))


def test_reset_forgets_the_parts():
    frames = [seen_at(i * 20) for i in range(6)]
    with PatternSearch() as search:
        for seen in frames[:4]:
            search.shift(seen)
        search.reset()
        shown, scan = search.shift(frames[4])
        assert shown is frames[4] and same(scan, whole(frames[4]))
        assert search.shift(frames[5])[0] is frames[4]
        shown, scan = search.shift(frames[0])
        assert shown is frames[5] and same(scan, whole(frames[5]))  # nothing of frames 0-3 left


def test_a_picture_that_stays_is_shown_with_its_own_whole_search():
    frames = [seen_at(i * 20) for i in range(6)]
    with PatternSearch() as search:
        for seen in frames[:4]:
            search.shift(seen)
        # The same frame again (a frozen picture): its own search is waited for, made whole, kept.
        shown, scan = search.shift(frames[3])
        assert shown is frames[3] and same(scan, whole(frames[3]))
        assert search.shift(frames[3])[1] is scan
        # Unfrozen: the next frame does not take a part of the frozen one.
        assert search.shift(frames[4])[0] is frames[3]
        shown, scan = search.shift(frames[5])
        assert shown is frames[4] and same(scan, whole(frames[4]))


def test_a_frame_of_another_size_is_searched_whole():
    frames = [seen_at(0), seen_at(20), seen_at(40), seen_at(60, rows=360), seen_at(80, rows=360)]
    with PatternSearch() as search:
        for seen in frames[:4]:
            search.shift(seen)
        shown, scan = search.shift(frames[4])
        assert shown is frames[3] and same(scan, whole(frames[3]))
        assert scan.heat.shape == (360, 640)


def test_the_search_says_how_long_the_frame_shown_was_searched():
    """The timing strip's "face pattern search" row at steps 5 and 8 showed 0.0: the search runs
    on its own thread, and the window never learnt how long it took."""
    frames = [seen_at(i * 20) for i in range(3)]
    with PatternSearch() as search:
        search.shift(frames[0], spread=False)
        whole_ms = search.search_ms
        search.shift(frames[1], spread=False)
        assert whole_ms > 0 and search.search_ms > 0
