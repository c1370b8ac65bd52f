"""`N_()`: marks a user-facing string for the message catalogues without translating it.

Domain modules (review states, labels) hand such strings to the web app, which translates them where
they are shown; keeping the marker here lets them do so without importing the web package.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message
