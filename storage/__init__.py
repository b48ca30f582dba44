"""Tables, sessions, queries and migrations. Knows tables, nothing about chat."""
