"""Test kit: the sandbox gateway, a throwaway PKI and pytest fixtures."""
