"""How the diagrams behave with real cases: a case's diagram, heat maps per version, event logs."""
