"""pytest configuration at the repository root: loads the book-page harness (tests/harness.py).

It lives here, not in tests/, so that its collection hook also sees the pages under book/.
"""

pytest_plugins = ["tests.harness"]
