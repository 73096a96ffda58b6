"""poscert: certify loyalty-program integrations against simulated or live platforms."""

__version__ = "0.1.0"
