"""Step 5 in the live window: the face pattern searches the next frame while this one is drawn,
and every frame is drawn with its own search."""

from __future__ import annotations

import numpy as np

from demo.live.pipeline import Seen
from demo.live.search import PatternSearch
from demo.picture.stages import pattern_scan
from demo.sources import Frame, SampleSource


def seen_at(index: int) -> Seen:
    return Seen(Frame(SampleSource().frame_at(index), index, index * 33.0), [])


def test_each_frame_is_drawn_with_its_own_search_one_frame_late():
    frames = [seen_at(i * 20) for i in range(4)]
    with PatternSearch() as search:
        first, scan = search.shift(frames[0])
        assert first is frames[0]  # nothing was searched before it: it waits for its own
        assert np.array_equal(scan.heat, pattern_scan(frames[0].frame.rgb).heat)
        assert search.shift(frames[1])[0] is frames[0]  # frame 1 is being searched meanwhile
        shown, scan = search.shift(frames[2])
        assert shown is frames[1]
        expected = pattern_scan(frames[1].frame.rgb)
        assert np.array_equal(scan.heat, expected.heat)
        assert [d.box for d in scan.detections] == [d.box for d in expected.detections]
        # The same frame again (a frozen picture): its own search is waited for, then kept.
        assert search.shift(frames[2])[0] is frames[2]
        assert search.shift(frames[2])[0] is frames[2]
        search.reset()
        assert search.shift(frames[3])[0] is frames[3]
