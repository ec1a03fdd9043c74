"""The page's state, declared once: the settings schema and everything derived from it
(validation, the URL codec, the widgets' first values), and the shapes the guard checks."""
