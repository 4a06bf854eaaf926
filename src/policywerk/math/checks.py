"""The one check that every count, size and seed goes through: a whole number, and large enough?

``True`` is an ``int`` to Python, so ``isinstance(x, int)`` alone would let ``episodes=True``
through as 1; a whole number here is an ``int`` that is not a ``bool``.
"""


def is_whole(value: object) -> bool:
    """True for an ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def whole(value: object, name: str, least: int | None = None) -> int:
    """``value`` if it is a whole number (at least ``least``, if given); otherwise a ValueError that
    names ``name``, what is allowed, and what it got."""
    if not is_whole(value) or (least is not None and value < least):
        allowed = "an int" if least is None else f"an int >= {least}"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value
