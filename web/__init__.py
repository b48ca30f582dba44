"""What people read in a browser or a console: the JSON API today (api), the managers' console later.
Reads through handlers and storage; knows no chat channel."""
