"""poscert: certify loyalty-program integrations against simulated or live platforms."""

__version__ = "0.1.0"

# The seed of the simulator datasets when none is given: one fixed value, so runs compare.
DEFAULT_SEED = 20260115
