"""The simulation engine: one ``Simulation`` per patient life, driven by an event queue."""
