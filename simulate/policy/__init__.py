"""Policy accounting: budget, surcharge and credits."""
