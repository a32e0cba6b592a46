"""Storage building blocks and the architectures composed from them."""
