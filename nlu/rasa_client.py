"""The Rasa backend: a Rasa 3.6 server reached over HTTP (`POST /model/parse`)."""
from __future__ import annotations

import httpx


class BackendUnavailable(Exception):
    """Rasa could not answer: down, no model loaded (409), timed out, or answered nonsense."""


class RasaClient:
    """Calls /model/parse on one Rasa server; keeps one connection pool per process."""

    def __init__(self, url: str, token: str = "", timeout: float = 2.0):
        self.url = url.rstrip("/") + "/model/parse"
        self.params = {"token": token} if token else {}
        self._client = httpx.Client(timeout=timeout)

    def parse(self, text: str) -> dict:
        """Rasa's answer for one message, or BackendUnavailable with a one-line reason."""
        try:
            response = self._client.post(self.url, params=self.params, json={"text": text})
        except httpx.TimeoutException:
            raise BackendUnavailable(f"Rasa at {self.url} timed out") from None
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"Rasa at {self.url} unreachable: {exc.__class__.__name__}: {exc}") from None
        if response.status_code == 409:
            raise BackendUnavailable(f"Rasa at {self.url} has no model loaded (409)")
        if response.status_code in (401, 403):
            raise BackendUnavailable(f"Rasa at {self.url} refused the token ({response.status_code})")
        if response.status_code != 200:
            raise BackendUnavailable(f"Rasa at {self.url} answered {response.status_code}")
        try:
            result = response.json()
            result["intent"]["name"]
        except (ValueError, KeyError, TypeError):
            raise BackendUnavailable(f"Rasa at {self.url} answered something that is not a parse result") from None
        return result

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
