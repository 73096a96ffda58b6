"""Steps, fixtures and rules every platform's certification shares."""
