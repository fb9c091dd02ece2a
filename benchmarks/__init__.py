"""Speed of physml_utils' kernels against baselines timed in the same process (``python -m benchmarks``)."""
