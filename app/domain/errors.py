"""The one base of every error the clerk may read.

``str(err)`` is a complete Chinese message. The services raise subclasses (:mod:`app.services.errors`), and
so do the store's failures (a locked or damaged database, a refused backup); screens and the command line
catch this one base and show the message, never a traceback. Defined here, at the bottom of the layers, so
that the store can derive from it too.
"""

from __future__ import annotations


class ClerkError(Exception):
    """Something the clerk must be told about, in Chinese; ``str(err)`` is the message."""
