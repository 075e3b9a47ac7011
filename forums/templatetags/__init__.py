"""Template tags of the forums."""
