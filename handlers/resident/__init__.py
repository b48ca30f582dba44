"""The resident dialogue: one message in (dispatch), understood and answered (dialogue, repair, complaint,
inquiry, progress, media, events), with what the desk says in replies."""
