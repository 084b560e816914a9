"""Files: pictures, videos and numbers written for lessons (``machine-eyes render``)."""
