"""Benchmarks that print figures (`make bench`). Each module has a `main()`."""
