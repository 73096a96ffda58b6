"""The parts every simulator shares: messages, routing, faults, clock and the one request pipeline."""

from simulators.core.clock import SimClock
from simulators.core.faults import Fault, FaultPlan
from simulators.core.messages import PlatformError, SimRequest, SimResponse, SimTimeout
from simulators.core.routing import Route, Router
from simulators.core.simulator import Call, Simulator

__all__ = ["Call", "Fault", "FaultPlan", "PlatformError", "Route", "Router", "SimClock", "SimRequest",
           "SimResponse", "SimTimeout", "Simulator"]
