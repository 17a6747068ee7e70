"""The core models GMF modules rely on: demographics, providers, physiology, lifestyle, schedules.

Pure functions and small classes; every random draw comes from the ``numpy.random.Generator``
(and seeded ``Faker``) passed in, and every figure comes from a data file under ``terminology/``.
"""
