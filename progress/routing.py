"""WebSocket routes of progress tables."""

from django.urls import path

from progress import consumers

websocket_urlpatterns = [
    path("ws/progress/<int:table_id>/", consumers.TableConsumer.as_asgi()),
]
