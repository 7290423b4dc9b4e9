"""Test set-up: fixture notebooks are inputs for tests, not chapters for nbval to collect."""
collect_ignore_glob = ["fixtures/*"]
