"""Step definitions of the Pongo certification, and the scenario world they share."""
