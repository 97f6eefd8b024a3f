"""Benchmarks: each module's `main()` prints figures; none of them asserts timings."""
