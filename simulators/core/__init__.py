"""The parts every simulator shares: messages, routing, faults, clock, seeding, per-tenant backends and
the one request pipeline. Nothing here names a platform; each platform supplies its own declaration."""
