"""Built-in client format plugins (found through the ``mailmigrate.parsers`` entry points)."""
