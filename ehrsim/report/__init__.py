"""Checks a generated population: realism against published figures, and clinical coherence.

``realism`` compares prevalence, incidence and life expectancy with the targets in
``terminology/targets/*.csv`` and ``terminology/life_table.csv``; ``coherence`` lists records that
contradict themselves (a lab that disagrees with a diagnosis, an event after death...).
"""
