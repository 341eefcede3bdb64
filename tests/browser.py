"""Headless Chromium (Debian's chromium, installed by .ci/run) for looking at a page as a user does."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# The machine's network is closed: without these, Chromium keeps trying its
# background connections (updates, sync, field trials) and can stall.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")


def run_chromium(page: Path, *args: str, size=(1200, 900), timeout=120) -> subprocess.CompletedProcess:
    """Open ``page`` in a fresh profile; ``args``: --screenshot=FILE, --dump-dom, ..."""
    exe = chromium_path()
    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        return subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
             "--virtual-time-budget=15000", *args, page.resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False)
