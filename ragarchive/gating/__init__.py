"""After reading: the confidence gate (``gate``), the archive's off-topic background it reads
similarities against (``background``), and the calibration that fits the gate on the archive
itself (``calibration``)."""
