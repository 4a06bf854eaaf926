"""The environments. Each follows the shape of the Gymnasium API: ``reset`` and ``step``."""
