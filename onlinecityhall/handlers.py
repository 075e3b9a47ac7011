"""Django's ASGI handler with the whole middleware chain and the view run in one thread.

Every page of the site is a synchronous view behind synchronous middleware; only the event
streams and ``/healthz`` are coroutines. Django's own ASGI handler builds its middleware chain
for asynchronous use, so a page request crossed between the event loop and a worker thread
several times: into a thread at the outermost synchronous middleware, back to the loop below the
innermost one (``async_to_sync``), through each middleware that can run either way (two more
crossings each, for ``process_request`` and ``process_response``), and into the thread again for
the view. Each crossing hands work between threads and the interpreter lock.

Here the chain is built for synchronous use and run with one ``sync_to_async`` call, in the
request's own thread (``thread_sensitive``, as Django does), so database connections and
thread-local state behave as before. A coroutine view (an event stream) is called from that
thread through ``async_to_sync``, which runs it on the server's event loop; its streamed body is
sent from the loop as before. README, "Performance", has the measured difference.
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class OneThreadASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
