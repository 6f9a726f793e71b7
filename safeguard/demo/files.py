"""Small files for the demo's records, made in memory: one-page PDF letters and pictures.

They go through the same checks and store as an upload (`incidents/services/attachments.py`).
"""

import io

from PIL import Image, ImageDraw


def pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page A4 PDF with a title and lines of text (Helvetica, no images)."""

    def literal(text: str) -> str:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped.encode('latin-1', 'replace').decode('latin-1')})"

    text = ["BT", "/F1 16 Tf", "72 770 Td", f"{literal(title)} Tj", "/F1 11 Tf", "0 -30 Td"]
    for line in lines:
        text += [f"{literal(line)} Tj", "0 -16 Td"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def chat_screenshot(messages: list[tuple[bool, str]], *, fmt: str = "PNG") -> bytes:
    """A picture of a phone's group chat: (is the child's own message, text) per bubble."""
    width, height = 360, 80 + 56 * len(messages)
    image = Image.new("RGB", (width, height), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 48), fill=(52, 73, 94))
    draw.text((16, 18), "Group chat (demo)", fill=(255, 255, 255))
    y = 64
    for own, text in messages:
        left = 120 if own else 16
        colour = (198, 239, 206) if own else (255, 255, 255)
        draw.rounded_rectangle((left, y, left + 224, y + 40), radius=10, fill=colour)
        draw.text((left + 10, y + 14), text[:34], fill=(20, 20, 20))
        y += 56
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def drawing(fmt: str = "JPEG") -> bytes:
    """A child's drawing of a house and two figures, as a scanned picture."""
    image = Image.new("RGB", (400, 300), (252, 250, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 120, 200, 260), outline=(120, 60, 20), width=4)
    draw.polygon([(30, 120), (120, 50), (210, 120)], outline=(170, 30, 30), width=4)
    draw.rectangle((100, 190, 140, 260), outline=(60, 60, 60), width=3)
    for x, size in ((270, 60), (340, 38)):
        draw.ellipse((x - 14, 260 - size - 28, x + 14, 260 - size), outline=(30, 30, 160), width=3)
        draw.line((x, 260 - size, x, 260 - size // 3), fill=(30, 30, 160), width=3)
        draw.line((x, 260 - size // 3, x - 12, 260), fill=(30, 30, 160), width=3)
        draw.line((x, 260 - size // 3, x + 12, 260), fill=(30, 30, 160), width=3)
    draw.ellipse((320, 20, 380, 80), fill=(250, 200, 40))
    out = io.BytesIO()
    image.save(out, format=fmt, quality=85)
    return out.getvalue()


def attendance_letter() -> bytes:
    return pdf(
        "Larkspur Primary School (demo): attendance letter",
        [
            "Dear parent or carer,",
            "",
            "Your child's attendance this half term is 86%. Each late arrival after the",
            "register closes at 8:55 counts as a missed session.",
            "",
            "Please come and see Mrs Chambers in the office so that we can help.",
            "",
            "This is a fictional letter made for the Safeguard demo.",
        ],
    )


def encompass_note() -> bytes:
    return pdf(
        "Operation Encompass notification (demo)",
        [
            "Notification received by phone from the police, 07:40.",
            "Incident: domestic abuse, at the child's home, Saturday evening.",
            "Children present: two (both attend Larkspur).",
            "Police action: officers attended; one adult left the address.",
            "Key adult informed: Mrs Whitfield (DSL).",
            "",
            "Fictional: made for the Safeguard demo.",
        ],
    )


def safety_plan() -> bytes:
    return pdf(
        "Keeping-safe plan (demo)",
        [
            "Who I can talk to in school: Mrs Okafor, Mr Lowe, Mrs Rahman.",
            "Where I can go when it feels too much: the quiet room by the library.",
            "What helps: my worry book, drawing, a drink of water.",
            "Check-ins: every morning with Mrs Okafor, Fridays with the school nurse.",
            "",
            "Fictional: made for the Safeguard demo.",
        ],
    )
