"""Pictures: drawing what perception measured (mesh, HOG views, pattern, aligned face), the
walk-through's stages and every text on them. numpy RGB arrays in, numpy RGB arrays out; no window."""
