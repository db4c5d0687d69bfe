"""Issue 22's public visitors for locust (docs/portal.md §5), run by bench_public_load.py: anonymous people on the
portal's home and search, business pages, editions, the map points, and the open API's establishment pages and
sampling results, in the same mix as a county's public traffic is expected to have (search and business pages
most).

Each visitor is one person behind the site's reverse proxy: it sends its own X-Forwarded-For, as nginx would,
so the per-client limits apply per visitor. Any answer but 200 is a failure (a 429 too: a visitor at a human
pace must never meet the limit). A GET that meets a keep-alive connection the server has just closed (gunicorn
recycles a worker after `max_requests`) is sent once more on a new connection, as nginx does for its pooled upstream
connections (deploy/nginx/shian.conf keeps them alive) and as browsers do; anything else is not retried. The businesses visited are read by the runner from the API before the test
(BENCH_PUBLIC_LOAD_SAMPLE: a JSON file of names and ids); BENCH_PUBLIC_LOAD_THINK is the think time ("1-5")."""

import itertools
import json
import os
import random
import urllib.parse

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

COUNTY = "370725"
with open(os.environ["BENCH_PUBLIC_LOAD_SAMPLE"]) as _f:
    SAMPLE = json.load(_f)
LOW, _, HIGH = os.environ.get("BENCH_PUBLIC_LOAD_THINK", "1-5").partition("-")
VISITORS = itertools.count(1)


class Visitor(HttpUser):
    wait_time = between(float(LOW), float(HIGH or LOW))

    def on_start(self):
        n = next(VISITORS)
        self.client.headers["X-Forwarded-For"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 + 1}"
        self.rng = random.Random(n)
        once = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=frozenset({"GET"}))
        self.client.mount("http://", HTTPAdapter(max_retries=once))

    def get(self, name: str, path: str) -> None:
        self.client.get(path, name=name)

    @task(1)
    def home(self):
        self.get("home", "/public/")

    @task(4)
    def search(self):
        words = self.rng.choice(SAMPLE["names"])[-4:]
        self.get("search", "/public/?" + urllib.parse.urlencode({"q": words}))

    @task(4)
    def business(self):
        self.get("business", f"/public/b/{self.rng.choice(SAMPLE['ids'])}/")

    @task(1)
    def editions(self):
        self.get("editions", "/public/editions/")

    @task(1)
    def map_points(self):
        self.get("map_points", f"/public/map/points.json?county={COUNTY}")

    @task(2)
    def api_establishments(self):
        self.get(
            "api_establishments", f"/api/open/v1/establishments?region={COUNTY}&after={self.rng.choice(SAMPLE['ids'])}"
        )

    @task(1)
    def api_sampling(self):
        self.get("api_sampling", f"/api/open/v1/sampling/results?region={COUNTY}")
