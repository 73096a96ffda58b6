"""Print the table of Punchh's broken integrations and conforming variants for simulators/punchh/FIDELITY.md."""

from poscert.base.catalog import load_catalog
from poscert.drivers.cases import markdown_table
from poscert.drivers.punchh.broken import BROKEN
from poscert.drivers.punchh.conforming import CONFORMING

if __name__ == "__main__":
    print(markdown_table([r.id for r in load_catalog().for_platform("punchh")], BROKEN, CONFORMING))
