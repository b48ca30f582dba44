"""WSGI glue: closing the connection after an answer that leaves an unread body behind (a 413).

A view sets environ["wuye.close_connection"]. The server must then say `Connection: close` and close:
otherwise it answers keep-alive and drops the connection anyway when it cannot drain the body, and the
client's next request on it fails. Werkzeug's server honours the header from the application; gunicorn
drops hop-by-hop headers from applications, and its only way is Response.force_close() on the object
whose bound start_response the application is given.
"""
from __future__ import annotations

CLOSE_CONNECTION = "wuye.close_connection"


def closing_connections(wsgi_app):
    """Wrap a WSGI application so that answers flagged CLOSE_CONNECTION close their connection."""

    def app(environ, start_response):
        def start(status, headers, exc_info=None):
            if environ.get(CLOSE_CONNECTION):
                server_response = getattr(start_response, "__self__", None)
                if callable(getattr(server_response, "force_close", None)):
                    server_response.force_close()  # gunicorn
                else:
                    headers = [*headers, ("Connection", "close")]  # werkzeug and most others
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return wsgi_app(environ, start)

    return app
