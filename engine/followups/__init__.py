"""The UmA six-month job follow-up: starting it for a case and the coordinators' overview."""
