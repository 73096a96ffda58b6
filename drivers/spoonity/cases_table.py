"""Print the table of Spoonity's broken integrations and conforming variants for simulators/spoonity/FIDELITY.md."""

from poscert.base.catalog import load_catalog
from poscert.drivers.cases import markdown_table
from poscert.drivers.spoonity.broken import BROKEN
from poscert.drivers.spoonity.conforming import CONFORMING

if __name__ == "__main__":
    print(markdown_table([r.id for r in load_catalog().for_platform("spoonity")], BROKEN, CONFORMING))
