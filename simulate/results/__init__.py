"""Results: the indicator reference, the December recorder and run folders."""
