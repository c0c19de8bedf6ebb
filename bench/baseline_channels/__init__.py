"""Bare Channels baseline: one consumer, the Redis channel layer, nothing else."""
