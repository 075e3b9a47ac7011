"""Notifications: who hears about what happened on the boards, in the app and by e-mail.

It stands apart from ``forums`` because it has its own models (subscriptions, notifications,
e-mail preferences), its own background delivery (fan-out to watchers runs in the task worker,
never in the poster's request) and its own pages (the list, preferences, unsubscribe links).
Other apps call one verb of ``notifications.services`` per event and never touch its models.
"""
