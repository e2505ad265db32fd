"""The HTML site: talk, poster, speaker and schedule pages, the theme's fixes and offline assets."""
