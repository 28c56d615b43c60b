"""Labour market: vacancies, matching of graduates to jobs, destinations."""
