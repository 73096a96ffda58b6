"""PAR Punchh: the driver contract and the reference POS integration (Redemptions 2.0, Advanced Authentication)."""
