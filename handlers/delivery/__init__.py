"""Delivering the outbox: the job that hands a row to its channel (send) and what the channel's answer
means for the row and its ticket (outcomes)."""
