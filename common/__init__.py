"""Small helpers every app may use (strict parameter parsing, trusted proxies, event streams):
the lowest layer, importing no app."""
