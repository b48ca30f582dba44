"""Tickets and what keeps them moving: opening and repeats (tickets), deadlines and their timers,
service time, escalations, follow-ups (回访), the staff group a ticket goes to (routing), its card, and the managers' reports and digest."""
