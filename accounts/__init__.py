"""Members, municipalities, staff verification and profiles."""
