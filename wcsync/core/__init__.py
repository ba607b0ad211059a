"""The pure core: desired and live records, canonical forms, the planner and the plan value.

Nothing here does I/O, speaks HTTP, reads YAML, renders templates, reads the clock or the environment
(ruff's TID251 enforces it). Give it values, get a value back.
"""
