"""A respondent taking the whole test, as fast as a script can: used by bench/loadtest.py."""

import os
import random
import re

from locust import HttpUser, between, task

COMPLETED_LOG = os.environ.get("LOADTEST_COMPLETED_LOG", "/tmp/cx-loadtest-completed.txt")
OPTION = re.compile(r'name="(q_[A-Z0-9]+)" value="(\d+|dk)"')


class Respondent(HttpUser):
    wait_time = between(0.2, 1.0)

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _post(self, path: str, data: dict, name: str):
        data = {**data, "csrfmiddlewaretoken": self._csrf()}
        return self.client.post(
            path,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"Referer": self.host + path},
        )

    @task
    def take_the_test(self) -> None:
        self.client.cookies.clear()
        if self.client.get("/", name="landing").status_code != 200:
            return
        response = self._post("/start/", {}, "start")
        if response.status_code != 302:
            return
        area = response.headers["Location"]
        token = area.split("/")[2]
        for step in (1, 2, 3):
            page = self.client.get(f"/a/{token}/area/{step}/", name="area page")
            choices: dict[str, list[str]] = {}
            for question, value in OPTION.findall(page.text):
                choices.setdefault(question, []).append(value)
            answers = {q: random.choice(values) for q, values in choices.items()}
            # Random answers may leave an area mostly "don't know": continue anyway.
            answers["dont_know_confirmed"] = "1"
            if self._post(f"/a/{token}/area/{step}/", answers, "area answers").status_code != 302:
                return
        background = {"organisation": "Kuormitustesti Oy", "industry": "it", "size": "10-49"}
        response = self._post(f"/a/{token}/background/", background, "background")
        if response.status_code != 302:
            return
        if self.client.get(f"/results/{token}/", name="results").status_code == 200:
            with open(COMPLETED_LOG, "a") as log:
                log.write(token + "\n")
