# Seed tests: demo and scale data on a throwaway cluster.
TESTS += tests/db/seed.sh
EXTRA_DIST += tests/db/seed.sh
