"""Stage 1, read: find the files, split and parse their front matter, build typed records."""
