"""Question → ranked evidence: analysis, expansion, hybrid retrieval, fusion and the gate."""
