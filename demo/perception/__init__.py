"""Perception: what the machine measures in a picture (HOG, landmarks, the face-pattern detector,
smoothing, alignment, prompts). Reads sources' frames; draws nothing."""
