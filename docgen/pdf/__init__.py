"""PDF through LibreOffice, with the derived Thai fonts."""
