"""Baustein 3: the authorities' checks (Bleiberechtsprüfung, Einbürgerungsprüfung) as processes."""
