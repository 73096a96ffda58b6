"""JSON Schema documents, one folder per platform: installed as package data of `poscert.schemas`."""
