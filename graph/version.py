"""kg's version: in the input keys of kg load (a new version maps every file again) and kg --version."""
__version__ = "0.1.0"
