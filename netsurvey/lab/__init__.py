"""The simulated school: real protocol peers on this machine for tests and `make demo`."""
