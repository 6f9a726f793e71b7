"""The checks deploy/try_topology.py runs against the started topology (Django is set up,
connected as the owner straight to the primary, with the replica as `replica`)."""

import itertools
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from subprocess import Popen
from typing import Any

from topology import Topology
from web_client import Browser, Proof, SmtpSink

from safeguard.lib.tests.seaweedfs import SeaweedS3

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUBMISSIONS = 24
THREADS = 4
KILL_AFTER = 6  # submissions that succeed before app server 1 is killed
RETRIES = 6


class Checks:
    def __init__(
        self,
        topology: Topology,
        proof: Proof,
        ports: dict[str, int],
        s3: SeaweedS3,
        sink: SmtpSink,
        apps: list[Popen[bytes]],
    ) -> None:
        from safeguard.accounts.models import School
        from safeguard.demo.people import DEMO_PASSWORD, LARKSPUR

        self.topology, self.proof, self.ports, self.s3, self.sink, self.apps = (
            topology,
            proof,
            ports,
            s3,
            sink,
            apps,
        )
        self.base = f"https://localhost:{ports['https']}"
        self.browser = Browser(self.base, cafile=str(topology.root / "nginx" / "cert.pem"))
        self.password = DEMO_PASSWORD
        self.school = School.objects.get(name=LARKSPUR)

    def run_all(self) -> None:
        if not self.sign_in():
            return  # nothing else can be checked
        self.alternation()
        incident_id = self.upload_and_download()
        self.alert_emails(incident_id)
        self.replica_reads()
        started = time.monotonic()
        self.kill_one_app_server()
        print(f"... the kill test took {time.monotonic() - started:.1f} s", flush=True)

    # -- helpers ---------------------------------------------------------------------------

    def served_by(self, probe: str) -> int | None:
        """Which app server's access log has the request carrying `probe` (1 or 2)."""
        for _ in range(20):
            for number in (1, 2):
                log = self.topology.logs / f"app{number}.access.log"
                if log.exists() and f"probe={probe}" in log.read_text():
                    return number
            time.sleep(0.1)
        return None

    def form_token(self, path: str) -> str:
        page = self.browser.get(path).text
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    def recorded_incident(self, location: str) -> int | None:
        """The incident a submit was sent on to (its address carries a key, not the id)."""
        from safeguard.incidents.links import incident_id_from_key

        match = re.search(r"/incidents/([a-z2-7]+)/$", location)
        return incident_id_from_key(match.group(1)) if match else None

    def incident_fields(self, token: str, *, text: str, submit_key: str) -> dict[str, Any]:
        from django.utils import timezone

        from safeguard.incidents.models import Category
        from safeguard.pupils.models import Pupil

        pupil = Pupil.objects.for_school(self.school).order_by("id")[0]
        category = Category.objects.for_school(self.school).get(name="Safeguarding concern")
        now = timezone.localtime()
        return {
            "csrfmiddlewaretoken": token,
            "submit_key": submit_key,
            "pupil": pupil.pk,
            "kind": "conversation",
            "text": text,
            "occurred_on": f"{now:%Y-%m-%d}",
            "occurred_time": f"{now:%H:%M}",
            "location": "Playground",
            "spoke_to_dsl": "no",
            "categories": [category.pk],
            "intent": "submit",
        }

    # -- the checks ------------------------------------------------------------------------

    def sign_in(self) -> bool:
        plain = urllib.request.build_opener(_NoRedirect())
        try:
            plain.open(f"http://localhost:{self.ports['http']}/accounts/login/", timeout=10)
            location = ""
        except urllib.error.HTTPError as answer:
            location = answer.headers.get("Location", "")
        self.proof.check(
            "plain HTTP is sent to HTTPS by nginx",
            location.startswith(f"https://localhost:{self.ports['https']}/"),
            location,
        )
        token = self.form_token("/accounts/login/")
        answer = self.browser.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token,
                "login": "teacher@larkspur.example",
                "password": self.password,
            },
        )
        home = self.browser.get("/")
        signed_in = answer.status == 302 and home.status == 200 and "Terry" in home.text
        cookies = sorted(cookie.name for cookie in self.browser.jar)
        return self.proof.check(
            "a teacher signs in through nginx over HTTPS (secure __Host- cookies)",
            signed_in and "__Host-sessionid" in cookies,
            f"sign-in answered {answer.status}, then the dashboard {home.status}; cookies {cookies}",
        )

    def alternation(self) -> None:
        order = []
        for number in range(8):
            probe = f"alt-{number}-{uuid.uuid4().hex[:6]}"
            self.browser.get(f"/?probe={probe}")
            order.append(self.served_by(probe))
        alternates = all(a != b for a, b in itertools.pairwise(order))
        self.proof.check(
            "requests alternate between the two app servers",
            None not in order and alternates,
            "served by app server " + " ".join(str(n) for n in order),
        )

    def upload_and_download(self) -> int | None:
        from django.urls import reverse

        from safeguard.incidents.models import Attachment

        token = self.form_token("/incidents/new/")
        fields = self.incident_fields(
            token,
            text="Upload through one, download through the other.",
            submit_key=str(uuid.uuid4()),
        )
        answer = self.browser.post(
            "/incidents/new/?probe=upload", fields, files={"files": ("letter.pdf", PDF)}
        )
        incident_id = self.recorded_incident(answer.headers.get("Location", ""))
        uploaded_by = self.served_by("upload")
        if not self.proof.check(
            "an incident with a file is recorded through nginx",
            answer.status == 302 and incident_id is not None,
            f"answered {answer.status} by app server {uploaded_by}",
        ):
            return None
        attachment = Attachment.objects.for_school(self.school).get(incident_id=incident_id)
        url = reverse("incidents:attachment-download", args=[incident_id, attachment.pk])
        downloaded_by, body = None, b""
        for attempt in range(4):
            probe = f"download-{attempt}"
            response = self.browser.get(f"{url}?probe={probe}")
            downloaded_by, body = self.served_by(probe), response.body
            if downloaded_by not in (None, uploaded_by):
                break
        in_bucket = self.s3.keys("safeguard-files")
        local = [
            p for n in (1, 2) for p in (self.topology.root / f"media-{n}").rglob("*") if p.is_file()
        ]
        self.proof.check(
            "the file uploaded through one app server is downloaded through the other",
            downloaded_by not in (None, uploaded_by) and body == PDF,
            f"uploaded via app server {uploaded_by}, downloaded via {downloaded_by}, "
            f"{len(body)} bytes, same as sent: {body == PDF}",
        )
        anonymous = _status(f"{self.s3.endpoint}/safeguard-files/{attachment.stored_name}")
        self.proof.check(
            "the file is only in the private S3 bucket",
            attachment.stored_name in in_bucket and not local and anonymous == 403,
            f"bucket holds {attachment.stored_name}; app servers' folders hold {len(local)} "
            f"files; S3 without keys answers {anonymous}",
        )
        return incident_id

    def alert_emails(self, incident_id: int | None) -> None:
        from safeguard.incidents.models import Alert

        keys = [
            str(key)
            for key in Alert.objects.for_school(self.school)
            .filter(incident_id=incident_id)
            .values_list("key", flat=True)
        ]
        found: set[str] = set()
        deadline = time.monotonic() + 30
        while keys and time.monotonic() < deadline and len(found) < len(keys):
            for message in self.sink.received():
                body = message.get_payload(decode=True) or b""
                text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
                found.update(key for key in keys if f"/alerts/{key}/" in text)
            time.sleep(0.3)
        self.proof.check(
            "the worker delivers the incident's alert emails to the SMTP server",
            bool(keys) and len(found) == len(keys),
            f"{len(found)} of {len(keys)} alert emails arrived",
        )

    def replica_reads(self) -> None:
        from safeguard.incidents.models import Incident
        from safeguard.lib.db import replica

        states = self.topology.psql(
            self.ports["primary"], "SELECT state FROM pg_stat_replication"
        ).split()
        primary = Incident.objects.for_school(self.school).count()
        on_replica = -1
        for _ in range(50):
            on_replica = Incident.objects.using(replica()).for_school(self.school).count()
            if on_replica == primary:
                break
            time.sleep(0.2)
        self.proof.check(
            "the replica streams from the primary and answers reads through replica()",
            states == ["streaming"] and replica() == "replica" and on_replica == primary,
            f"pg_stat_replication: {states}; incidents on the primary {primary}, "
            f"on the replica {on_replica}",
        )

    def kill_one_app_server(self) -> None:
        from safeguard.incidents.models import Incident

        token = self.form_token("/incidents/new/")
        keys = [str(uuid.uuid4()) for _ in range(SUBMISSIONS)]
        succeeded: dict[str, int] = {}
        retried: list[str] = []
        lock = threading.Lock()

        def submit(key: str, number: int) -> None:
            fields = self.incident_fields(
                token, text=f"Submission {number} of the kill test.", submit_key=key
            )
            for attempt in range(RETRIES):
                try:
                    answer = self.browser.post(f"/incidents/new/?probe=kill-{number}", fields)
                except OSError:
                    answer = None
                location = answer.headers.get("Location", "") if answer else ""
                incident_id = self.recorded_incident(location)
                if answer is not None and answer.status == 302 and incident_id is not None:
                    with lock:
                        succeeded[key] = incident_id
                    return
                with lock:
                    retried.append(f"{number}:{answer.status if answer else 'no answer'}")
                time.sleep(0.2 * (attempt + 1))

        def worker(offset: int) -> None:
            for number in range(offset, SUBMISSIONS, THREADS):
                submit(keys[number], number)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        while len(succeeded) < KILL_AFTER and any(t.is_alive() for t in threads):
            time.sleep(0.02)
        in_flight = SUBMISSIONS - len(succeeded)
        self.topology.kill(self.apps[0])
        for thread in threads:
            thread.join()
        recorded = dict(
            Incident.objects.for_school(self.school)
            .filter(submit_key__in=keys)
            .values_list("submit_key", "id")
        )
        recorded = {str(key): pk for key, pk in recorded.items()}
        self.proof.check(
            "killing app server 1 (kill -9) mid-run loses no submission and duplicates none",
            self.apps[0].poll() is not None
            and len(succeeded) == SUBMISSIONS
            and recorded == succeeded,
            f"killed after {SUBMISSIONS - in_flight} of {SUBMISSIONS}; the client saw "
            f"{len(succeeded)} succeed after {len(retried)} retries {retried[:6]}; "
            f"{len(recorded)} incidents carry those keys, each the one the client was shown",
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (local S3)
            return int(answer.status)
    except urllib.error.HTTPError as answer:
        return answer.code
