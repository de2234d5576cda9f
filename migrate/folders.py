"""A folder to open, replace and remove files in without following a link: below a home, none of the
folders on the way may be a link either.

Where the system has ``openat`` and friends (``dir_fd``), the folder is held
by a descriptor opened component by component with ``O_NOFOLLOW``: every name
is looked up in that very folder, and nothing done to the paths meanwhile can
redirect it.  Elsewhere (Windows' own Python), by checked paths: each folder
on the way is ``lstat``-ed, refused when it is a link or another reparse point
(a junction), and its identity (device, inode) noted; before each use the
folders are checked again against those identities, a file is ``lstat``-ed
before it is opened, and the descriptor's identity compared with what
``lstat`` saw, so a link or another file swapped in between is caught.  What
the checks cannot see is a swap undone again between two of them: a window
of a few system calls, where the descriptor way has none.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import Iterator
from typing import Optional
from typing import Union

from migrate.errors import SkipFile
from migrate.posix import flag

Identity = tuple[int, int]
_REPARSE_POINT = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)


def by_descriptor() -> bool:
    """Whether files can be opened, looked at, renamed (``os.replace`` goes with ``os.rename``), linked
    and removed relative to a folder's descriptor, without following a link."""
    return ({os.open, os.stat, os.rename, os.link, os.unlink} <= os.supports_dir_fd
            and {os.stat, os.link} <= os.supports_follow_symlinks and hasattr(os, "O_DIRECTORY")
            and hasattr(os, "O_NOFOLLOW"))


def is_within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or below it, by name (links are not resolved)."""
    path, folder = path.absolute(), folder.absolute()
    return path == folder or folder in path.parents


def is_link(result: os.stat_result) -> bool:
    """A symbolic link, or on Windows any reparse point (junctions and mount points too)."""
    return stat.S_ISLNK(result.st_mode) or bool(getattr(result, "st_file_attributes", 0) & _REPARSE_POINT)


def not_regular(path: Path) -> SkipFile:
    return SkipFile(f"{path}: not a regular file")


@contextlib.contextmanager
def open_folder(folder: Path, root: Optional[Path] = None) -> Iterator[Folder]:
    """``folder``, to work in; with ``root`` (a home), it must be inside it, reached through no link.

    Without ``root`` the folder is taken as its path names it, links and all (a
    person's own run may follow their folders); the file itself is never a link.
    """
    if root is not None:
        root, folder = root.absolute(), folder.absolute()
        if not is_within(folder, root):
            raise SkipFile(f"{folder}: outside the home {root}; left alone")
    held = DescriptorFolder.of(folder, root) if by_descriptor() else CheckedFolder.of(folder, root)
    try:
        yield held
    finally:
        held.close()


def _link_in_home(folder: Path, part: str) -> SkipFile:
    return SkipFile(f"{folder}: {part} is a symbolic link; not followed out of the home")


def _components(folder: Path, root: Path) -> list[Path]:
    """``root`` and each folder below it down to ``folder``."""
    parts = folder.relative_to(root).parts
    return [root.joinpath(*parts[:depth]) for depth in range(len(parts) + 1)]


class DescriptorFolder:
    def __init__(self, path: Path, fd: int) -> None:
        self.path, self.fd = path, fd

    @classmethod
    def of(cls, folder: Path, root: Optional[Path]) -> DescriptorFolder:
        flags = os.O_RDONLY | os.O_DIRECTORY
        if root is None:
            return cls(folder, os.open(folder, flags))
        fd: Optional[int] = None
        for component in _components(folder, root):
            name = component.name if fd is not None else str(component)
            try:
                following = os.open(name, flags | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _link_in_home(folder, component.name) from None
                raise
            finally:
                if fd is not None:
                    os.close(fd)
            fd = following
        assert fd is not None
        return cls(folder, fd)

    def open(self, name: str, flags: int, mode: int = 0o777) -> int:
        """A descriptor of the file ``name``; ``ELOOP`` when it is a link."""
        return os.open(name, flags | os.O_NOFOLLOW, mode, dir_fd=self.fd)

    def lstat(self, name: str) -> os.stat_result:
        return os.stat(name, dir_fd=self.fd, follow_symlinks=False)

    def replace(self, source: str, target: str) -> None:
        os.replace(source, target, src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def link(self, source: str, target: str) -> None:
        """``target`` made a second name of ``source``; ``FileExistsError`` when it exists (a link too)."""
        os.link(source, target, src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)

    def unlink(self, name: str) -> None:
        os.unlink(name, dir_fd=self.fd)

    def mkdir(self, name: str) -> None:
        """A new folder ``name``, private (0700); one made meanwhile by someone else is taken as it is."""
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o700, dir_fd=self.fd)

    def sync(self) -> None:
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


class CheckedFolder:
    def __init__(self, path: Path, checked: list[tuple[Path, Identity]], follow: bool) -> None:
        self.path, self.checked, self.follow = path, checked, follow

    @classmethod
    def of(cls, folder: Path, root: Optional[Path]) -> CheckedFolder:
        if root is None:
            return cls(folder, [(folder, _identity(os.stat(folder)))], follow=True)
        checked = []
        for component in _components(folder, root):
            try:
                result = os.lstat(component)
            except NotADirectoryError:
                raise _link_in_home(folder, component.name) from None
            if is_link(result) or not stat.S_ISDIR(result.st_mode):
                raise _link_in_home(folder, component.name)
            checked.append((component, _identity(result)))
        return cls(folder, checked, follow=False)

    def check(self) -> None:
        """Every folder on the way is still the one first checked."""
        for component, identity in self.checked:
            try:
                result = os.stat(component) if self.follow else os.lstat(component)
            except (FileNotFoundError, NotADirectoryError):
                result = None
            if result is None or _identity(result) != identity:
                raise SkipFile(f"{self.path}: {component.name} was replaced while being worked on; left alone")

    def open(self, name: str, flags: int, mode: int = 0o777) -> int:
        """A descriptor of the file ``name``; ``ELOOP`` when it is a link, ``SkipFile`` when something
        else was there when it was opened, or it is not a regular file (without ``O_NONBLOCK`` a FIFO
        would hang the run; Windows cannot open a folder)."""
        path = self.path / name
        self.check()
        try:
            seen: Optional[os.stat_result] = os.lstat(path)
        except FileNotFoundError:
            seen = None
        if seen is not None and is_link(seen):
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
        if seen is not None and not stat.S_ISREG(seen.st_mode):
            raise not_regular(path)
        fd = os.open(path, flags | flag("O_NOFOLLOW"), mode)
        try:
            expected = _identity(seen if seen is not None else os.lstat(path))
            if _identity(os.fstat(fd)) != expected:
                raise SkipFile(f"{path}: swapped for another file or a link while being opened; left alone")
            self.check()
        except BaseException:
            os.close(fd)
            raise
        return fd

    def lstat(self, name: str) -> os.stat_result:
        self.check()
        return os.lstat(self.path / name)

    def replace(self, source: str, target: str) -> None:
        self.check()
        os.replace(self.path / source, self.path / target)

    def link(self, source: str, target: str) -> None:
        """As ``DescriptorFolder.link``; ``source`` is the new file this folder opened, no link."""
        self.check()
        os.link(self.path / source, self.path / target)

    def unlink(self, name: str) -> None:
        os.unlink(self.path / name)

    def mkdir(self, name: str) -> None:
        self.check()
        with contextlib.suppress(FileExistsError):
            os.mkdir(self.path / name, 0o700)

    def sync(self) -> None:
        sync_folder(self.path)

    def close(self) -> None:
        """Nothing is held."""


Folder = Union[DescriptorFolder, CheckedFolder]  #: a folder open to work in (``open_folder``)


def sync_folder(folder: Path) -> None:
    """The folder's entries on disk, where a folder can be opened (Windows cannot; NTFS journals them)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _identity(result: os.stat_result) -> Identity:
    return result.st_dev, result.st_ino
