"""Write the demo documents' PDFs (documents/demo/*.pdf) from their text in
documents/demo_content.py, as a ward's office would print them: a developer's
tool, run once and its PDFs committed (`make run` needs no browser).

    .venv/bin/python documents/demo/make_pdfs.py

Chromium (Debian's, as the browser tests use) prints each page to PDF with
its fonts embedded, so the PDFs hold real Vietnamese text that pypdf reads
back, as a signed decision exported from Word would.
"""

import html
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardnews.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

PAGE = """<!doctype html><html lang="vi"><meta charset="utf-8"><style>
body {{ font-family: "DejaVu Serif", "Noto Serif", serif; font-size: 13pt;
  margin: 2cm 2cm 2cm 3cm; line-height: 1.5; }}
.head {{ display: flex; justify-content: space-between; text-align: center;
  font-size: 12pt; }}
.head b {{ display: block; }}
h1 {{ text-align: center; font-size: 14pt; margin: 1.5em 0 0; }}
.summary {{ text-align: center; font-weight: bold; margin: 0 0 1.5em; }}
.sign {{ margin-left: 55%; text-align: center; margin-top: 2em; }}
</style><body>
<div class="head"><div><b>{issuer}</b><br>Số: {number}</div>
<div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><b>Độc lập - Tự do - Hạnh phúc</b>
<i>Phúc Lợi, ngày {day} tháng {month} năm {year}</i></div></div>
<h1>{kind}</h1><p class="summary">{summary}</p>
{body}
<div class="sign"><b>{signer_title}</b><br><br><br><b>{signer}</b></div>
</body></html>"""


def main():
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from documents.demo_content import DEMO_DOCUMENTS
    from documents.models import Issuer, Kind

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        for demo in DEMO_DOCUMENTS:
            if not demo.get("pdf"):
                continue
            day, month, year = demo["issued_on"].split("/")
            issuer = (
                Issuer(demo["issuer"])
                .label.upper()
                .replace("PHƯỜNG", "PHƯỜNG PHÚC LỢI")
            )
            body = "".join(
                f"<p>{html.escape(paragraph)}</p>" for paragraph in demo["text"]
            )
            page.set_content(
                PAGE.format(
                    issuer=html.escape(issuer),
                    number=html.escape(demo["number"]),
                    day=day,
                    month=month,
                    year=year,
                    kind=Kind(demo["kind"]).label.upper(),
                    summary=html.escape(demo["summary"]),
                    body=body,
                    signer_title=html.escape(demo["signer_title"].upper()),
                    signer=html.escape(demo["signer"]),
                )
            )
            target = HERE / demo["pdf"]
            page.pdf(path=str(target), format="A4", print_background=False)
            print(f"{target.name}: {target.stat().st_size} bytes")
        browser.close()


if __name__ == "__main__":
    main()
