"""Access rules of the field companion, on the real server: 401 without the token,
the token becomes an HttpOnly SameSite=Strict cookie, CSRF on every POST, a foreign
Host header refused, no path escapes the static folder or the floor plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from netsurvey.records import read_visit
from tests.web.conftest import DEMO_INVENTORY, DEMO_SCHOOL, FieldServer, start_field
from tests.web.walkpage import open_with_token

PAGES = ["/", "/wifi", "/power", "/results", "/events", "/static/field.js",
         "/wifi/plan/1", "/wifi/heat/1.png", "/survey/parts", "/class/"]  # fmt: skip
TRAVERSALS = [
    "/static/../../../../pyproject.toml",
    "/static/..%2f..%2f..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%5c..%5c..%5c..%5cpyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/wifi/plan/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/wifi/plan/../../../../etc/passwd",
    "/wifi/plan/%2e%2e",
    "/wifi/heat/..%2f..%2fpyproject.toml.png",
]


@pytest.fixture
def server(field_servers: list[FieldServer], replay_dir: Path, tmp_path: Path) -> FieldServer:
    started = start_field(
        [str(DEMO_INVENTORY), "--school", DEMO_SCHOOL, "--visits", str(tmp_path / "v"),
         "--replay", str(replay_dir)], tmp_path)  # fmt: skip
    field_servers.append(started)
    return started


def cookie(server: FieldServer) -> dict[str, str]:
    return {"Cookie": f"netsurvey_field_{server.port}={server.token}"}


def csrf(server: FieldServer) -> str:
    status, body = server.request("GET", "/", cookie(server))
    assert status == 200
    text = body.decode()
    start = text.index('name="csrf" content="') + len('name="csrf" content="')
    return text[start : text.index('"', start)]


def test_url_line_and_401_without_token(server: FieldServer) -> None:
    assert server.host == "127.0.0.1" and server.port > 0
    assert len(server.token) >= 32
    for path in PAGES:
        status, body = server.request("GET", path)
        assert status == 401, path
        assert b"401" in body
    status, _ = server.request("GET", "/?t=wrong-token")
    assert status == 401
    status, _ = server.request("GET", "/", {"Cookie": f"netsurvey_field_{server.port}=nope"})
    assert status == 401
    status, _ = server.request("POST", "/wifi/skip", body=b"room=11&reason=x")
    assert status == 401


def test_token_moves_into_a_strict_httponly_cookie(server: FieldServer) -> None:
    import http.client

    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.request("GET", f"/wifi?t={server.token}&floor=1")
    response = connection.getresponse()
    response.read()
    assert response.status == 303
    assert response.getheader("Location") == "/wifi?floor=1"  # token out of the address bar
    set_cookie = response.getheader("Set-Cookie") or ""
    assert f"netsurvey_field_{server.port}={server.token}" in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    assert response.getheader("Referrer-Policy") == "no-referrer"
    connection.close()
    status, body = server.request("GET", "/wifi", cookie(server))
    assert status == 200 and b"floor plan" in body


def test_foreign_host_header_refused(server: FieldServer) -> None:
    for host in ("evil.example", "evil.example:80", f"attacker.test:{server.port}",
                 f"127.0.0.1:{server.port + 1}", f"198.18.0.5:{server.port}"):  # fmt: skip
        status, body = server.request("GET", "/", {**cookie(server), "Host": host})
        assert status == 421, host
        assert b"Rujiena" not in body and b"csrf" not in body
    status, _ = server.request("GET", "/", {**cookie(server), "Host": f"localhost:{server.port}"})
    assert status == 200


def test_no_path_escapes(server: FieldServer) -> None:
    for path in TRAVERSALS:
        status, body = server.request("GET", path, cookie(server))
        assert status in (400, 403, 404), (path, status)
        assert b"[project]" not in body and b"root:" not in body, path
    status, body = server.request("GET", "/static/field.css", cookie(server))
    assert status == 200 and b"netsurvey field" in body
    status, body = server.request("GET", "/wifi/plan/1", cookie(server))
    assert status == 200 and body.startswith(b"\x89PNG")


def test_post_needs_the_csrf_token(server: FieldServer, tmp_path: Path) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = b"room=11&reason=locked"
    status, _ = server.request("POST", "/wifi/skip", {**cookie(server), **form}, body)
    assert status == 403
    status, _ = server.request(
        "POST", "/wifi/skip", {**cookie(server), **form, "X-CSRF-Token": "0" * 40}, body
    )
    assert status == 403
    token = csrf(server)
    status, _ = server.request(
        "POST", "/wifi/skip",
        {**cookie(server), **form, "X-CSRF-Token": token, "Origin": "http://evil.example"}, body,
    )  # fmt: skip
    assert status == 403
    visit = next((tmp_path / "v" / DEMO_SCHOOL).iterdir())
    assert read_visit(visit).measurements == ()  # nothing refused was written
    status, answer = server.request(
        "POST", "/wifi/skip", {**cookie(server), **form, "X-CSRF-Token": token}, body
    )
    assert status == 200 and json.loads(answer)["saved"] is True
    status, answer = server.request(
        "POST", "/wifi/skip", {**cookie(server), **form}, body + f"&csrf={token}".encode()
    )
    assert status == 200
    assert [m.details["skipped"] for m in read_visit(visit).measurements] == ["locked", "locked"]


def test_browser_without_token_sees_401(browser: WebDriver, server: FieldServer) -> None:
    driver = browser
    driver.get(server.base + "/wifi")
    assert "401" in driver.find_element(By.TAG_NAME, "body").text
    open_with_token(driver, server.url)
    driver.get(server.base + "/wifi")
    assert driver.find_element(By.ID, "map")
    cookies = {c["name"]: c for c in driver.get_cookies()}
    session = cookies[f"netsurvey_field_{server.port}"]
    assert session["httpOnly"] is True and session["sameSite"] == "Strict"


def test_page_loads_nothing_from_outside(browser: WebDriver, server: FieldServer) -> None:
    """Offline: every script, style and image comes from the server itself."""
    driver = browser
    open_with_token(driver, server.url)
    for path in ("/", "/wifi", "/power", "/results"):
        driver.get(server.base + path)
        urls = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        assert urls, path
        assert all(u.startswith(server.base + "/") for u in urls), urls


def test_class_test_is_mounted_with_its_own_tokens(server: FieldServer) -> None:
    """`netsurvey field` serves the whole-class test at /class/: the nav links the
    technician's page (its own token); pupils' devices never need the field token."""
    import re

    status, body = server.request("GET", "/", cookie(server))
    assert status == 200
    match = re.search(r'href="(/class/tech/[^"/]+/)"', body.decode())
    assert match, "the nav links the class test"
    status, page = server.request("GET", match.group(1))  # no field cookie: its own token
    assert status == 200 and b"<html" in page.lower()
    status, _ = server.request("GET", "/class/tech/wrong-token/")
    assert status in (401, 403, 404)
