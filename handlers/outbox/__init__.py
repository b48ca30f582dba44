"""The durable outbox: writing rows (write), sending them through the channels (delivery), and what a
delivery means for a ticket (outcomes). Handlers write through the names below."""
from .write import RESIDENTS, STAFF, answer, card, job_id, post, release, to_resident, to_staff

__all__ = ["RESIDENTS", "STAFF", "answer", "card", "job_id", "post", "release", "to_resident", "to_staff"]
