"""Uploads waiting between their preview and the user's confirmation. The file waits in the default
storage, shared by every app server (the confirmation may reach another one); what the confirmation
needs besides (the work plan, the versions the preview showed) waits in the user's session, under a
token only that session knows."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils.translation import gettext as _

from workplan.spreadsheet_safety import remove_abandoned_uploads


class UploadNoLongerWaiting(Exception):
    """The confirmation came for an upload that is not kept any more; the message says what to do."""


class PendingUploads:
    def __init__(self, *, folder: str, session_key: str):
        self.folder, self.session_key = folder, session_key

    def keep(self, request: HttpRequest, data: bytes, details: dict) -> str:
        """Keep an upload until its confirmation; returns the token the confirmation sends back."""
        remove_abandoned_uploads(self.folder)
        token = uuid.uuid4().hex
        default_storage.save(self._path(token), ContentFile(data))
        request.session.setdefault(self.session_key, {})[token] = details
        request.session.modified = True
        return token

    def take(self, request: HttpRequest, token: str) -> tuple[bytes, dict]:
        """The upload and its details, no longer kept: a token is confirmed once."""
        pending = request.session.get(self.session_key, {})
        if token not in pending:
            raise UploadNoLongerWaiting(_("This import is no longer waiting for confirmation: upload the file again."))
        details = pending.pop(token)
        request.session.modified = True
        path = self._path(token)
        if not default_storage.exists(path):
            raise UploadNoLongerWaiting(_("The uploaded file is no longer kept: upload it again."))
        with default_storage.open(path, "rb") as stored:
            data = stored.read()
        default_storage.delete(path)
        return data, details

    def _path(self, token: str) -> str:
        return f"{self.folder}/{token}.xlsx"
