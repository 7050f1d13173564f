"""A file system storage whose disk fills up or turns read-only when a test says so.

`install(settings, media_root)` makes it Django's default storage; the returned `Disk` is its
switchboard. Every file is written in two halves through Django's own FileSystemStorage._save,
so a full disk leaves exactly what a real one leaves (the first half under the name being
written), and a test can look at the storage between the halves, as another request would.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage


@dataclass
class Disk:
    root: Path = Path()
    full: bool = False
    read_only: bool = False
    # The storage's files (relative paths) each time a file was half written.
    seen_half_written: list[set[str]] = field(default_factory=list)

    def files(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}


DISK = Disk()


def install(settings, media_root: Path) -> Disk:
    """FaultyStorage as the default storage over `media_root`, with a fresh switchboard."""
    media_root.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = str(media_root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FaultyStorage"},
    }
    DISK.root = media_root
    DISK.full = DISK.read_only = False
    DISK.seen_half_written = []
    return DISK


def _refused(code: int, path: str) -> OSError:
    return OSError(code, os.strerror(code), path)


class _InTwoHalves(ContentFile):
    def __init__(self, data: bytes, path: str) -> None:
        super().__init__(data)
        self.path = path

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        data = self.file.getvalue()
        yield data[: len(data) // 2]
        DISK.seen_half_written.append(DISK.files())
        if DISK.full:
            raise _refused(errno.ENOSPC, self.path)
        yield data[len(data) // 2 :]


class FaultyStorage(FileSystemStorage):
    def _save(self, name, content):
        if DISK.read_only:
            raise _refused(errno.EROFS, self.path(name))
        content.seek(0)
        return super()._save(name, _InTwoHalves(content.read(), self.path(name)))

    def delete(self, name):
        if DISK.read_only and self.exists(name):
            raise _refused(errno.EROFS, self.path(name))
        super().delete(name)
