"""Starting things: the next edition from this one, a new talk's files."""
