from ..bindings.conftest import desk, owner, relative, staffed  # noqa: F401  (the same staffed desk and roster)
