"""Agents: schools, student cohorts, teachers and enterprises as struct-of-arrays state with vectorised steps."""
