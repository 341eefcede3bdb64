"""What each kg command does, as a Python function: export, load."""
