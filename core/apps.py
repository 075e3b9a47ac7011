from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from django.db.backends.signals import connection_created

        from core.pgtimestamps import use_c_timestamps

        connection_created.connect(
            lambda sender, connection, **_kwargs: use_c_timestamps(connection),
            weak=False,
            dispatch_uid="core.pgtimestamps",
        )
