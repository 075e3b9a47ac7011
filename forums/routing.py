"""WebSocket routes of the forums."""

from django.urls import path

from forums import consumers

websocket_urlpatterns = [
    path("ws/topics/<int:topic_id>/", consumers.TopicConsumer.as_asgi()),
    path("ws/boards/<slug:slug>/", consumers.BoardConsumer.as_asgi()),
    path("ws/me/", consumers.UserConsumer.as_asgi()),
]
