"""Print the table of Pongo's broken integrations and conforming variants for simulators/pongo/FIDELITY.md."""

from poscert.base.catalog import load_catalog
from poscert.drivers.cases import markdown_table
from poscert.drivers.pongo.broken import BROKEN
from poscert.drivers.pongo.conforming import CONFORMING

if __name__ == "__main__":
    print(markdown_table([r.id for r in load_catalog().for_platform("pongo")], BROKEN, CONFORMING))
