"""The lowest layer: where the bundled files are, the kernel's network filter, keeping native
libraries' chatter off stderr, OpenCV's environment variables checked before it loads, and a worker
thread answering with futures. Imports no other part of the package."""
