"""Reading pages as a browser does: their forms, links and type-ahead options.

The load generator never builds a form or a URL from what it expects the server to want:
it fills in the form the page gives (hidden fields, defaults, the CSRF token, a fresh
submit key) and follows the links the page shows.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    name: str
    type: str = ""  # input/button type
    value: str = ""
    checked: bool = False
    disabled: bool = False
    text: str = ""  # a button's words
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    id: str
    controls: list[Control] = field(default_factory=list)

    def buttons(self) -> list[Control]:
        return [c for c in self.controls if c.tag == "button" or c.type in ("submit", "image")]

    def choices(self, name: str) -> list[str]:
        """The values offered for a radio or checkbox group, skipping disabled ones."""
        return [
            c.value
            for c in self.controls
            if c.name == name and c.type in ("radio", "checkbox") and not c.disabled
        ]

    def values(self, *, button: Control | None = None) -> list[tuple[str, str]]:
        """What a browser submits: enabled, named, successful controls and the pressed button."""
        pairs: list[tuple[str, str]] = []
        for c in self.controls:
            if c.disabled or not c.name:
                continue
            if c.tag == "button" or c.type in ("submit", "image", "reset", "button"):
                if c is button:
                    pairs.append((c.name, c.value))
                continue
            if c.type in ("radio", "checkbox"):
                if c.checked:
                    pairs.append((c.name, c.value or "on"))
            elif c.type == "file":
                continue
            elif c.tag == "select":
                chosen = [v for v, selected in c.options if selected] or [
                    v for v, _ in c.options[:1]
                ]
                pairs.extend((c.name, v) for v in chosen[:1])
            else:
                pairs.append((c.name, c.value))
        return pairs


@dataclass
class Link:
    href: str
    text: str
    rel: str


@dataclass
class Option:
    """A type-ahead suggestion (<li role="option" data-value=...>)."""

    value: str
    label: str
    disabled: bool


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[Link] = []
        self.options: list[Option] = []
        self.h1: str = ""
        self._form: Form | None = None
        self._select: Control | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._textarea: Control | None = None
        self._button: Control | None = None
        self._link: Link | None = None
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        present = {k for k, _ in attrs}
        if tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", "application/x-www-form-urlencoded"),
                id=a.get("id", ""),
            )
            self.forms.append(self._form)
        elif tag == "a" and "href" in present:
            self._link = Link(href=a["href"], text="", rel=a.get("rel", ""))
            self.links.append(self._link)
        elif tag == "h1":
            self._in_h1 = True
        elif tag == "li" and a.get("role") == "option" and "data-value" in present:
            self.options.append(
                Option(a["data-value"], a.get("data-label", ""), a.get("aria-disabled") == "true")
            )
        if self._form is None:
            return
        disabled = "disabled" in present
        if tag == "input":
            self._form.controls.append(
                Control(
                    "input",
                    a.get("name", ""),
                    type=a.get("type", "text").lower(),
                    value=a.get("value", ""),
                    checked="checked" in present,
                    disabled=disabled,
                )
            )
        elif tag == "select":
            self._select = Control("select", a.get("name", ""), disabled=disabled)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in present
            if self._option_value is not None:
                self._select.options.append((self._option_value, self._option_selected))
                self._option_value = None
            else:
                self._option_value = ""
        elif tag == "textarea":
            self._textarea = Control("textarea", a.get("name", ""), disabled=disabled)
            self._form.controls.append(self._textarea)
        elif tag == "button":
            self._button = Control(
                "button",
                a.get("name", ""),
                type=a.get("type", "submit").lower(),
                value=a.get("value", ""),
                disabled=disabled,
            )
            self._form.controls.append(self._button)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "a":
            self._link = None
        elif tag == "h1":
            self._in_h1 = False
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._select is not None and self._option_value is not None:
            self._select.options.append((self._option_value.strip(), self._option_selected))
            self._option_value = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button":
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.text += data
        if self._in_h1:
            self.h1 += data
        if self._textarea is not None:
            self._textarea.value += data
        if self._button is not None:
            self._button.text += data
        if self._option_value is not None:
            self._option_value += data


@dataclass
class Page:
    url: str
    forms: list[Form]
    links: list[Link]
    options: list[Option]
    h1: str

    def form(
        self, *, id: str = "", action_contains: str = "", button_text: str = ""
    ) -> Form | None:
        for f in self.forms:
            if id and f.id != id:
                continue
            if action_contains and action_contains not in f.action:
                continue
            if button_text and not any(button_text in b.text for b in f.buttons()):
                continue
            return f
        return None

    def links_to(self, contains: str) -> list[str]:
        return [self.absolute(link.href) for link in self.links if contains in link.href]

    def link_with_text(self, *texts: str) -> str | None:
        """The first link whose rel is "next" or whose words are one of `texts`."""
        for link in self.links:
            if "next" in link.rel.split() or " ".join(link.text.split()) in texts:
                return self.absolute(link.href)
        return None

    def absolute(self, href: str) -> str:
        return urljoin(self.url, href)

    def action_of(self, form: Form) -> str:
        return self.absolute(form.action) if form.action else self.url


def parse(html: str, url: str) -> Page:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return Page(url, parser.forms, parser.links, parser.options, " ".join(parser.h1.split()))
