"""The parts every simulator shares: messages, routing, faults, clock, backends and the one request pipeline."""
