"""The last stage: the finished working document → the output :class:`Report`."""

from __future__ import annotations

from .models import Metadata, Report, Source
from .state import Document
from .textnorm import fold

__all__ = ["report"]

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def report(doc: Document) -> Report:
    """Assemble the output model from the working document."""
    head = doc.header
    page = doc.page
    meta_tags = dict(page.meta_tags) if page is not None else {}
    url = (
        doc.url
        or meta_tags.get("Url")
        or meta_tags.get("url")
        or (page.canonical_url if page else None)
    )
    return Report(
        source=Source(
            path=doc.path, url=url, kind=doc.kind, encoding=doc.encoding, sha256=doc.sha256
        ),
        title=head.title,
        agency=head.agency,
        year=head.year,
        format=doc.format,
        metadata=Metadata(
            index_number=head.index_number,
            category=head.category,
            publisher=head.publisher,
            document_number=head.document_number,
            written_date=head.written_date,
            published_date=head.published_date,
            fields=dict(head.fields),
            meta_tags={k: fold(v) if k in ("ArticleTitle",) else v for k, v in meta_tags.items()},
        ),
        sections=list(doc.sections),
        indicators=list(doc.indicators),
        unmapped=list(doc.unmapped),
        issues=list(doc.issues),
    )
