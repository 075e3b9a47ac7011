"""WebSocket routes of private conversations."""

from django.urls import path

from conversations import consumers

websocket_urlpatterns = [
    path("ws/conversations/", consumers.ConversationListConsumer.as_asgi()),
    path("ws/conversations/<int:conversation_id>/", consumers.ConversationConsumer.as_asgi()),
]
