"""Gherkin features, one folder per platform: installed as package data of `poscert.features`."""
