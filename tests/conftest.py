"""Test settings shared by the whole suite."""

from hypothesis import settings

# deadline=None: the first call of a numba kernel compiles it (seconds), which is not a slow test.
# derandomize=True: property-based tests draw the same examples on every run (reproducible CI).
settings.register_profile("book", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("book")
