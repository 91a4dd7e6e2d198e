"""One router module per resource; ``web.app`` mounts them."""
