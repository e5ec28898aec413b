"""`manage.py generate_documents`: a realistic registry in bulk for the bench,
found by readers exactly as documents typed in by staff are."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import generating
from documents.models import Document, DocumentFile, Issuer, Kind, folded_words

from .conftest import SECOND_HOST

# The forms of the registry's numbers (documents/generating.py's SERIES).
NUMBER = re.compile(r"[0-9]+(/[0-9]{4})?[/-][A-Za-zĐđ]+([/-][A-Za-zĐđ]+)*")


def generate(*args):
    out = StringIO()
    call_command("generate_documents", *args, stdout=out)
    return out.getvalue()


def snapshot(ward):
    """What the generator decided, but the publishing times (clipped to the
    moment it ran)."""
    return [
        (
            d.number,
            d.slug,
            d.kind,
            d.issuer,
            d.field,
            d.summary,
            d.signer,
            d.issued_on,
            d.status,
            d.legal_state,
            d.replaced_by.number if d.replaced_by else None,
            [f.text for f in d.files.all()],
        )
        for d in Document.objects.filter(ward=ward).order_by("id")
    ]


def test_it_writes_the_count_asked_for_the_default_ward(ward):
    summary = generate("--count", "300")
    assert summary.startswith("Generated 300 documents for Phường Phúc Lợi")
    documents = Document.objects.filter(ward=ward)
    assert documents.count() == 300
    assert Document.objects.published(ward).count() >= 290
    assert not documents.filter(published_at__gt=timezone.now()).exists()
    assert len({d.issued_on.year for d in documents}) >= 5
    assert len(set(documents.values_list("kind", flat=True))) >= 8
    assert len(set(documents.values_list("issuer", flat=True))) >= 6
    assert len(set(documents.values_list("field", flat=True))) >= 8
    assert DocumentFile.objects.filter(document__ward=ward).exists()
    replaced = documents.filter(legal_state=Document.LegalState.REPLACED)
    assert replaced.exists()
    for old in replaced.select_related("replaced_by"):
        new = old.replaced_by
        assert (new.ward_id, new.kind, new.issuer) == (ward.pk, old.kind, old.issuer)
        assert new.issued_on >= old.issued_on
        assert new.status == Document.Status.PUBLISHED


def test_numbers_are_a_registrys_and_unique_run_after_run(ward, make_document):
    make_document(number="1/QĐ-UBND")
    generate("--count", "200")
    generate("--count", "200", "--seed", "2")
    documents = Document.objects.filter(ward=ward)
    assert documents.count() == 401
    for number in documents.values_list("number", flat=True):
        assert NUMBER.fullmatch(number), number
    keys = list(documents.values_list("number_key", flat=True))
    slugs = list(documents.values_list("slug", flat=True))
    assert len(set(keys)) == len(set(slugs)) == 401
    assert documents.filter(number="2/QĐ-UBND").exists()
    assert documents.filter(number__endswith="-NQ/ĐU").exists()


def test_every_derived_field_is_what_a_save_would_store(ward):
    """normalise() and the checks staff's saves go through (full_clean())
    change nothing; the search words are what refresh_search() reads, the
    files' text included."""
    generate("--count", "200")
    fields = ["number", "number_key", "issuer_other", "signer", "signer_title"]
    fields += ["summary", "slug", "replaced_by_id", "comment_starts_on"]
    fields += ["comment_ends_on", "search_folded"]
    documents = Document.objects.filter(ward=ward).prefetch_related("files")
    for document in documents:
        before = {name: getattr(document, name) for name in fields}
        document.full_clean()
        assert document.search_folded == document._search_text()
        assert document.search_folded == folded_words(
            document.number,
            document.get_kind_display(),
            document.summary,
            document.signer,
            *[f.text for f in document.files.all()],
        )
        assert before == {name: getattr(document, name) for name in fields}
        # The slug a save would make, were it left empty.
        document.slug = ""
        document.normalise()
        assert document.slug == before["slug"]
    with_file = DocumentFile.objects.filter(document__ward=ward).first()
    assert with_file.text in " ".join(with_file.text.split())
    assert with_file.document.number in with_file.text
    assert with_file.name.endswith(".pdf")


def hand_made_twins(documents, ward):
    """Each document typed in again by staff in the ward: the model's
    checks and save, its file's row saved as an upload's is (its text as
    pypdf gave it), the replacements set afterwards."""
    twins = {}
    for document in documents.order_by("id"):
        twin = Document(
            ward=ward,
            **{
                name: getattr(document, name)
                for name in [
                    "number",
                    "kind",
                    "issuer",
                    "issuer_other",
                    "field",
                    "signer",
                    "signer_title",
                    "issued_on",
                    "effective_on",
                    "summary",
                    "is_draft_for_comment",
                    "comment_starts_on",
                    "comment_ends_on",
                    "status",
                    "published_at",
                ]
            },
        )
        if document.legal_state == Document.LegalState.EXPIRED:
            twin.legal_state = document.legal_state
        twin.full_clean()
        twin.save()
        for document_file in document.files.all():
            DocumentFile(
                document=twin,
                file=document_file.file.name,
                name=document_file.name,
                text=document_file.text,
            ).save()
        twins[document.pk] = twin
    for document in documents.filter(legal_state=Document.LegalState.REPLACED):
        twin = twins[document.pk]
        twin.legal_state = document.legal_state
        twin.replaced_by = twins[document.replaced_by_id]
        twin.full_clean()
        twin.save()
    return twins


def test_found_by_the_list_filters_and_searches_as_hand_made_ones(
    ward, second_ward, reader, second_reader
):
    generate("--count", "250")
    generated = Document.objects.filter(ward=ward)
    hand_made_twins(generated, second_ward)
    common = generated.filter(status=Document.Status.PUBLISHED)
    decision = common.filter(kind=Kind.QUYET_DINH, issuer=Issuer.UBND).first()
    party = common.filter(issuer=Issuer.DANG_UY).first()
    with_file = common.filter(files__isnull=False).first()
    year = decision.issued_on.year
    queries = [
        {},
        {"trang": "2"},
        {"loai": "quyet-dinh"},
        {"loai": "quyet-dinh", "nam": str(year)},
        {"nam": str(year), "trang": "2"},
        {"co-quan": "dang-uy-phuong"},
        {"linh-vuc": "y-te"},
        {"q": decision.number},
        {"q": decision.number_key},
        {"q": decision.number.split("/")[0]},
        {"q": party.number},
        {"q": "công tác"},
        {"q": "cong tac", "trang": "3"},
        {"q": "dia ban phuong", "loai": "ke-hoach"},
        {"q": "luật tổ chức chính quyền địa phương"},
        {"q": with_file.number, "linh-vuc": with_file.field},
    ]
    shown = {}
    for n, query in enumerate(queries):
        mine = reader.get("/van-ban/", query)
        theirs = second_reader.get("/van-ban/", query)
        assert mine.status_code == theirs.status_code == 200, query
        shown[n] = [d.number for d in mine.context["documents"]]
        assert shown[n] == [d.number for d in theirs.context["documents"]], query
        assert shown[n], query
        page = mine.context["page"]
        assert page["count"] == theirs.context["page"]["count"], query
    assert shown[7][0] == shown[8][0] == decision.number
    assert shown[10][0] == party.number
    assert with_file.number in shown[14] + shown[15]


def test_a_generated_document_opens_with_its_replacement_and_file(ward, reader):
    generate("--count", "300")
    old = Document.objects.filter(
        ward=ward,
        legal_state=Document.LegalState.REPLACED,
        status=Document.Status.PUBLISHED,
    ).first()
    page = reader.get(old.get_absolute_url())
    assert page.status_code == 200
    assert page.context["replaced_by"] == old.replaced_by
    document = Document.objects.published(ward).filter(files__isnull=False).first()
    page = reader.get(document.get_absolute_url())
    assert page.status_code == 200
    (link,) = page.context["files"]
    # The row and its text, not the file: a download finds nothing.
    assert reader.get(link.download_url).status_code == 404


def test_the_same_seed_gives_the_same_documents(ward):
    generate("--count", "120", "--seed", "7")
    first = snapshot(ward)
    Document.objects.all().delete()
    generate("--count", "120", "--seed", "7")
    assert snapshot(ward) == first
    Document.objects.all().delete()
    generate("--count", "120", "--seed", "8")
    assert snapshot(ward) != first


def test_the_batch_size_changes_nothing(ward):
    generating.generate(ward, 90, seed=3, batch_size=1000)
    first = snapshot(ward)
    Document.objects.all().delete()
    generating.generate(ward, 90, seed=3, batch_size=7)
    assert snapshot(ward) == first


def test_ward_picks_a_ward_by_its_host(ward, second_ward):
    summary = generate("--count", "20", "--ward", SECOND_HOST)
    assert "for Phường Bồ Đề" in summary
    assert Document.objects.filter(ward=second_ward).count() == 20
    assert not Document.objects.filter(ward=ward).exists()
    assert not DocumentFile.objects.exclude(document__ward=second_ward).exists()


def test_an_unknown_host_or_no_count_is_refused(ward):
    with pytest.raises(CommandError, match="nowhere.example"):
        generate("--count", "5", "--ward", "nowhere.example")
    with pytest.raises(CommandError, match="--count"):
        generate("--count", "0")
    assert not Document.objects.exists()


def test_the_tables_are_analysed_after_the_load(ward):
    with CaptureQueriesContext(connection) as captured:
        generate("--count", "30")
    statements = [q["sql"] for q in captured.captured_queries]
    assert [s for s in statements if s.startswith("ANALYZE")] == [
        'ANALYZE "documents_document"',
        'ANALYZE "documents_documentfile"',
    ]
    last_insert = max(
        n for n, s in enumerate(statements) if s.startswith("INSERT INTO")
    )
    assert statements.index('ANALYZE "documents_document"') > last_insert


def search_index_options():
    """The search index's storage options (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["document_search_idx"],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_all_or_nothing(ward, monkeypatch):
    """One transaction: a failure half-way writes nothing; the search
    index's setting is as it was whatever happens."""
    generate("--count", "25")
    assert Document.objects.filter(ward=ward).count() == 25
    real_file, calls = generating._file, []

    def failing_file(*args):
        calls.append(1)
        if len(calls) == 3:
            raise ValueError("the maker broke")
        return real_file(*args)

    monkeypatch.setattr(generating, "_file", failing_file)
    with pytest.raises(ValueError, match="the maker broke"):
        generating.generate(ward, 400, batch_size=20)
    assert Document.objects.count() == 25
    assert (
        DocumentFile.objects.count()
        == DocumentFile.objects.filter(document__ward=ward).count()
    )
    if connection.vendor == "postgresql":
        assert "fastupdate=off" in search_index_options()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the tsvector and index are PostgreSQL's"
)
def test_postgresql_search_vector_statistics_and_index(ward):
    generate("--count", "200")
    assert "fastupdate=off" in search_index_options()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM documents_document WHERE search_vector "
            "@@ plainto_tsquery('simple', 'cong tac')"
        )
        (found,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM documents_document "
            "WHERE search_vector = to_tsvector('simple', search_folded)"
        )
        (generated_column,) = cursor.fetchone()
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'documents_document'"
        )
        (tuples,) = cursor.fetchone()
    expected = sum(
        {"cong", "tac"} <= set(words.split())
        for words in Document.objects.values_list("search_folded", flat=True)
    )
    assert found == expected > 20
    assert generated_column == 200
    assert tuples == 200  # ANALYZE counted the rows.
