"""A posted file read as it arrives: the request's body parsed in chunks (python-multipart's
streaming parser), the ``file`` field written straight to a hidden file of the folder it is
for, never held whole in memory, and refused as soon as it passes its limit.

Only parsing lives here; what the file must be, and the name it takes, is the library's
(walkcoach.workspace.uploads)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from walkcoach.errors import InputError

__all__ = ["FIELD_LIMIT", "received"]

FIELD_LIMIT = 2 ** 16
"""The most a form's other parts (and the file's headers) may hold."""


class _Receiver:
    """The parser's callbacks: the ``file`` part to ``target``, the rest counted."""

    def __init__(self, target: Path, limit: int, what: str) -> None:
        self.target, self.limit, self.what = target, limit, what
        self.header = b""
        self.headers: list[bytes] = []
        self.out: IO[bytes] | None = None
        self.filename: str | None = None
        self.files = 0
        self.size = 0
        self.other = 0

    def callbacks(self) -> dict[str, Any]:
        return {"on_part_begin": self.begin, "on_header_field": self.field,
                "on_header_value": self.field, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_done, "on_part_data": self.data,
                "on_part_end": self.end}

    def begin(self) -> None:
        self.headers, self.header = [], b""

    def field(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end] + b"\0"
        if len(self.header) > FIELD_LIMIT:
            raise InputError("the upload's form is not one the studio sends")

    def header_end(self) -> None:
        self.headers.append(self.header)
        self.header = b""

    def headers_done(self) -> None:
        for header in self.headers:
            name, _, value = header.rstrip(b"\0").partition(b"\0")
            if name.strip().lower() != b"content-disposition":
                continue
            _, options = parse_options_header(value)
            if options.get(b"name") == b"file" and options.get(b"filename"):
                self.files += 1
                if self.files > 1:
                    raise InputError(f"send one file: {self.what}")
                self.filename = options[b"filename"].decode("utf-8", errors="replace")
                self.out = self.target.open("xb")

    def data(self, data: bytes, start: int, end: int) -> None:
        if self.out is None:
            self.other += end - start
            if self.other > FIELD_LIMIT:
                raise InputError("the upload's form is not one the studio sends")
            return
        self.size += end - start
        if self.size > self.limit:
            raise InputError(f"{self.what} is at most {self.limit / 2 ** 20:.1f} MB")
        self.out.write(data[start:end])

    def end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


@contextlib.asynccontextmanager
async def received(request: Request, folder: Path, *, limit: int,
                   what: str) -> Any:
    """The posted form's ``file``: its name as sent and the hidden file in ``folder`` that
    holds it (removed at the end of the block, unless the block has moved it). InputError
    when the upload does not say its size, says one past ``limit``, grows past it, or holds
    no file or more than one."""
    size = request.headers.get("content-length", "")
    if not size.isdigit() or int(size) > limit + FIELD_LIMIT:
        raise InputError(f"{what} is at most {limit / 2 ** 20:.1f} MB (and the upload must say "
                         "its size)")
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InputError(f"choose {what} to upload")
    folder.mkdir(parents=True, exist_ok=True)
    receiver = _Receiver(folder / f".{secrets.token_hex(8)}.upload.part", limit, what)
    with _removed(receiver):
        parser = MultipartParser(boundary, cast(Any, receiver.callbacks()))
        try:
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
        except InputError:
            raise
        except Exception:  # the parser's own errors: a body no page of the studio sends
            raise InputError("the upload's form is not one the studio sends") from None
        if receiver.filename is None or receiver.out is not None:
            raise InputError(f"choose {what} to upload")
        yield Path(receiver.filename).name, receiver.target


@contextlib.contextmanager
def _removed(receiver: _Receiver) -> Iterator[None]:
    try:
        yield
    finally:
        if receiver.out is not None:
            receiver.out.close()
        receiver.target.unlink(missing_ok=True)
