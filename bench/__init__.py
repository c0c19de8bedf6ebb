"""Fan-out benchmarks: the load generator (`fanout`), two bare baselines and a runner."""
