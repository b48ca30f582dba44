"""The staff desk: who may act where (access), which group sees a ticket (routing), buttons (actions,
handover), commands, replies to residents through the etiquette filter (relay), and `wuye staff` (cli)."""
