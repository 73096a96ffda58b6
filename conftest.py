"""The certification plugin and its Allure evidence are active in every run from the project root."""

pytest_plugins = ["poscert.plugin", "poscert.evidence"]
