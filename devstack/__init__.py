"""Developer tooling shared by the tests and the benchmark: running the project's servers."""
