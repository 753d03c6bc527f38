"""`make bench`: quality, latency and resource benchmarks of 借呗助手 (see docs/benchmarks.md)."""
