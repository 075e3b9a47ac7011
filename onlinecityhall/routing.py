"""WebSocket URL routes of every app, gathered in one list for the ASGI application."""

from conversations.routing import websocket_urlpatterns as conversation_routes
from forums.routing import websocket_urlpatterns as forum_routes
from progress.routing import websocket_urlpatterns as progress_routes

websocket_urlpatterns = [*forum_routes, *progress_routes, *conversation_routes]
