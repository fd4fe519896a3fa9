"""Ways to look at an analysed thread: the terminal view (more views join here)."""
