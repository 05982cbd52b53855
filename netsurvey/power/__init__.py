"""Charging-cart power: the electrical model (model.py) and the cart assessment."""
