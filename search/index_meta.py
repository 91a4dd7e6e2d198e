"""What built an index: checked on open so that a query is never analysed or
embedded differently from the documents it searches."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from search.analysis import AnalysisConfig
from search.backend import BackendError
from search.passages import PassageConfig

FORMAT_VERSION = 1


class IndexMeta(BaseModel):
    format: int = FORMAT_VERSION
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    embedder: str | None = Field(None, description="embedder name; None = BM25 only")
    dimension: int | None = None
    passages: PassageConfig | None = Field(None, description="how articles were cut for the embedder")
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def check_compatible(self, other: IndexMeta, where: str) -> None:
        if self.format != other.format or self.analysis.name != other.analysis.name:
            raise BackendError(
                f"{where} was built with analysis {self.analysis.name} (format {self.format}); "
                f"this arshif uses {other.analysis.name} (format {other.format}). "
                "Rebuild it: arshif index --rebuild ..."
            )
        if self.vector_setup != other.vector_setup:
            raise BackendError(
                f"{where} was built with vectors {self.describe_vectors()}; this run asks for "
                f"{other.describe_vectors()}. Index with the same settings (arshif index without "
                "--embedder/--no-vectors keeps them) or rebuild: arshif index --rebuild ..."
            )

    @property
    def vector_setup(self) -> tuple[str | None, int | None, str | None]:
        return self.embedder, self.dimension, self.passages.name if self.passages else None

    def describe_vectors(self) -> str:
        if self.embedder is None:
            return "none (--no-vectors)"
        passages = f", passages {self.passages.name}" if self.passages else ""
        return f"from embedder {self.embedder} (dimension {self.dimension}{passages})"

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.model_dump_json(indent=2), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> IndexMeta:
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise BackendError(f"cannot read index metadata {path}: {error}") from error
