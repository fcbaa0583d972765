"""The exposure report: every way into the cluster from outside, followed to the pods, with who can reach it.

It reads the run's inventory and path model (svclint.paths) and the findings of `lint`; it decides nothing the
path model already knows, only who can reach each entry (reach.py) and how to show it (render_*.py).
"""
