"""Small reusable widgets (the coding margin, the quick-code palette, ...)."""
