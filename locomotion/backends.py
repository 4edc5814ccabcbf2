"""The table of backends and :func:`make_backend`, which imports a backend's module only when asked.

Kept apart from :mod:`locomotion.backend` (the Protocol and the value types every backend imports)
so that naming the backend modules here does not make them import their own importer: the table
points down at the backends, the backends point down at the seam, and nothing points back.
"""

from __future__ import annotations

import importlib

from locomotion.backend import LocomotionBackend

__all__ = ["BACKENDS", "make_backend"]

BACKENDS: dict[str, str] = {
    "kinematic": "locomotion.kinematic:KinematicBackend",
    "pybullet": "locomotion.pybullet_backend:PyBulletBackend",
}


def make_backend(name: str, **options: object) -> LocomotionBackend:
    """Build the backend called ``name``, importing its module only now.

    Raises:
        ValueError: ``name`` is not a known backend.
        ImportError: the backend's dependency is missing; the message says what to install.
    """
    try:
        target = BACKENDS[name]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown backend {name!r}: choose one of {known}") from None
    module_name, class_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(
            f"backend {name!r} needs a package that is not installed ({exc.name}): "
            "run `pip install -e .` in the quadmission checkout"
        ) from exc
    backend_class = getattr(module, class_name)
    return backend_class(**options)
