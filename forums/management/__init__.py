"""Management commands of the forums."""
