"""The Generic Module Framework: parsing, checking and drawing GMF JSON modules.

Definitions here are frozen and shared by every patient; a patient's progress through a module
lives in ``ehrsim.gmf.run.ModuleRun``; what a state may do to a patient is ``ehrsim.gmf.patient.PatientAccess``.
"""
