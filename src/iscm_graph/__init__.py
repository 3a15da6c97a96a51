"""iscm-graph: the knowledge graph of Inter-State Consultation Mechanisms on Migration."""

__version__ = "0.1.0"
