"""Named query functions, one module per area; handlers call them as `queries.<name>(session, ...)`.
Every SQL statement of the service is built in this package; none of them commits."""
from .chats import chat_moves, record_chat_move
from .inbound import arrive, first_staff_update, inbound_by_key, record_inbound, store_reply
from .outbox import (add_outbox, card_in_flight, due_outbox, last_outbox_id, newer_card_row, outbox_health,
                     outbox_in_status, outbox_row, pending_outbox, texts_to, waiting_card_rows, waiting_new_cards)
from .reports import (breach_details, created_between, finished_between, open_kinds, staff_names,
                      violators_between)
from .residents import (add_attachment, clear_conversation, conversation, mark_inactive, resident_contacted,
                        save_conversation, unattached)
from .staff import (active_staff, add_member, add_violation, everyone, member, record_alert, staff_member,
                    user_ids_with_role, violation_texts)
from .tickets import (accept, add_event, add_phone_task, insert_ticket, list_tickets, next_code_number,
                      every_ticket, open_tickets, repeat_candidates, ticket, ticket_by_card, ticket_by_code, unfinished, unplanned,
                      window_start)
from .timers import add_timers, due_timers, oldest_due_timer, pending_timers, timer, timers_of
