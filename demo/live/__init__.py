"""The live exhibit: the pygame window and its one realtime loop, the perception worker, the
attract loop and stage clock, and the exhibit's settings file."""

import os

# Before any module here imports pygame: SIGTERM left to the command line (demo.base.shutdown),
# which ends the exhibit cleanly; SDL would turn it into a window-close event, which kiosk mode
# ignores.
os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
