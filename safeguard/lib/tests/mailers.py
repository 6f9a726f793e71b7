"""Mail settings for tests that need an SMTP server to refuse every send."""

import socket


def closed_port_mailer() -> dict:
    """A mailer pointed at a port where nothing listens: every send is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
