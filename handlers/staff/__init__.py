"""The staff desk: one entry for what staff do (dispatch), who may act where (access), buttons (actions,
handover), commands, replies to residents through the etiquette filter (relay), and `wuye staff` (cli)."""
