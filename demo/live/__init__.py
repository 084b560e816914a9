"""The live exhibit: the pygame window and its one realtime loop, the perception worker, the
attract loop and stage clock, and the exhibit's settings file."""
