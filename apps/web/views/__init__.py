"""The web pages: thin views that call one selector or service each and render."""
