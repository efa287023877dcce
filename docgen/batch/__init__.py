"""Many documents at once: inputs, workers, manifest, progress."""
