"""Online City Hall project package: settings, URLs and the ASGI/WSGI entry points."""
