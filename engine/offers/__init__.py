"""The local offers directory (Ist- und Bedarfsanalyse), links from goals and referrals to its offers,
and the "kein passendes Angebot" gap records that roll up into structural topics (see models.py)."""
