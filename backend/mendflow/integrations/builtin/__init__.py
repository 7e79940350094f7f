"""Built-in implementations of every capability, so shipped flows run with no outside account."""
