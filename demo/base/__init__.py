"""The lowest layer: where the bundled files are, the kernel's network filter, and keeping native
libraries' chatter off stderr. Imports no other part of the package."""
