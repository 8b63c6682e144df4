"""Displays: the counter monitor with its call buttons, and the hall board that chimes and speaks calls."""
