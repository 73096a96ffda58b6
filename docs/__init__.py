"""The guides (partner guide, platform contracts, adding a platform), shipped inside the package."""
