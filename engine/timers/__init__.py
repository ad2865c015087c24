"""Durable timers: the table the scheduler claims due work from."""
