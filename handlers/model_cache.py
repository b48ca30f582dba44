"""Trained weights kept under VAR_DIR between starts (the etiquette tone model, the knowledge base).

A file's name carries a fingerprint of everything the weights depend on, so a changed examples
file, code or library simply misses and is retrained. Several workers may start at once: each
writes atomically, and a file that cannot be read or written only costs the training.
"""
from __future__ import annotations

import hashlib
import logging
import os
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def fingerprint(files: Iterable[Path], libraries: Iterable[str] = (), root: Path | None = None) -> str:
    """Changes whenever one of the files (their path and bytes) or a library's version changes;
    OSError when a file cannot be read. With a root, files are named relative to it (their name
    alone when outside it), so the fingerprint is the same in every checkout and can be committed."""
    digest = hashlib.sha256()
    for library in libraries:
        digest.update(f"{library}={metadata.version(library)}\0".encode())
    for path in files:
        digest.update(file_name(path, root).encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


def file_name(path: Path, root: Path | None = None) -> str:
    """The path as a fingerprint names it: as given without a root, else relative to the root (POSIX
    separators), or the bare file name for a file outside it (never a machine path)."""
    if root is None:
        return str(path)
    path, root = Path(path).resolve(), Path(root).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


def load_or_train(cache_dir: Path | None, name: str, suffix: str, read: Callable[[Path], T],
                  write: Callable[[T, Path], None], train: Callable[[], T]) -> T:
    """The weights kept as cache_dir/name+suffix, else train() and keep them there (dropping the
    files of older fingerprints); without cache_dir, just train()."""
    path = Path(cache_dir) / f"{name}{suffix}" if cache_dir else None
    if path is not None and path.is_file():
        try:
            return read(path)
        except Exception as exc:  # whatever is wrong with the file, training replaces it
            log.warning("retraining, the kept weights %s are unusable (%s: %s)", path, type(exc).__name__, exc)
    weights = train()
    if path is not None:
        _keep(weights, path, write, f"{name.split('-')[0]}-*{suffix}")
    return weights


def _keep(weights, path: Path, write: Callable, pattern: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{os.getpid()}-{path.name}")
        write(weights, partial)
        partial.replace(path)
        for old in path.parent.glob(pattern):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot keep the trained weights in %s (%s)", path.parent, exc)
