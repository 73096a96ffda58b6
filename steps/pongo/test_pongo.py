"""Binds every Pongo feature to its steps: collecting this module is the Pongo certification.

Steps and fixtures are imported here, not from a conftest, so the module works the same from
a checkout and from an installed wheel (pytest-bdd step definitions are fixtures).
"""

from pytest_bdd import scenarios

from poscert.base.resources import package_dir
from poscert.steps.common.fixtures import *  # noqa: F403
from poscert.steps.common.rules import *  # noqa: F403
from poscert.steps.common.till_steps import *  # noqa: F403
from poscert.steps.pongo.customer_steps import *  # noqa: F403
from poscert.steps.pongo.fixtures import *  # noqa: F403
from poscert.steps.pongo.merchant_steps import *  # noqa: F403
from poscert.steps.pongo.order_steps import *  # noqa: F403
from poscert.steps.pongo.rules_steps import *  # noqa: F403

scenarios(str(package_dir("features") / "pongo"))
