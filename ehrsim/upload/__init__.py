"""``ehrsim upload``: load FHIR output into a server, shared resources first, resumable.

``plan`` orders the work, ``client`` posts with retries, ``journal`` remembers what is loaded,
``runner`` runs it N in flight and sums up.
"""

from ehrsim.upload.runner import UploadSummary, upload

__all__ = ["UploadSummary", "upload"]
