"""The checkout's own conftest. The certification plugin is not loaded here: it is registered by the
`pytest11` entry point of the installed package, exactly as in a partner's repository."""

pytest_plugins = ["pytester"]
