"""Arabic/English analysis with character offsets into the original text."""

from search.analysis.chain import ANALYSIS_VERSION, AnalysisConfig, Analyzer, Token

__all__ = ["ANALYSIS_VERSION", "AnalysisConfig", "Analyzer", "Token"]
