"""The programme as data: iCalendar, frab, JSON-LD, link-preview cards, and their publication."""
