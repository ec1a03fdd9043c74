"""The hall can reach it: the address links and QR codes hand out (playground/web/reach.py)."""

from __future__ import annotations

import argparse

import pytest

from playground.cli.serve import _publish_address, add_serve_command
from playground.web import create_app, reach


@pytest.mark.parametrize(
    "host,loopback",
    [("127.0.0.1", True), ("127.3.4.5", True), ("localhost", True), ("[::1]", True), ("::1", True),
     ("192.168.1.20", False), ("10.0.0.7", False), ("lecture.example.edu", False), ("", False)],
)  # fmt: skip
def test_loopback_hosts_are_told_apart_from_reachable_ones(host, loopback):
    assert reach.is_loopback(host) is loopback


def test_a_public_url_wins_over_every_other_address():
    assert reach.served_base("https://pg.example.edu/hall", "0.0.0.0", 8050, "192.168.1.20") == (
        "https://pg.example.edu/hall/"
    )
    assert reach.served_base("http://10.0.0.7:9000/", "127.0.0.1", 8050, None) == "http://10.0.0.7:9000/"


def test_serving_every_interface_links_to_the_lan_address_and_a_loopback_bind_to_the_request():
    assert reach.served_base(None, "0.0.0.0", 8050, "192.168.1.20") == "http://192.168.1.20:8050/"
    assert reach.served_base(None, "0.0.0.0", 8050, None) is None  # no LAN: what the visitor typed
    assert reach.served_base(None, "127.0.0.1", 8050, "192.168.1.20") is None


@pytest.mark.parametrize(
    "url", ["ftp://x.org/", "pg.example.edu", "http://", "http://x.org/?a=1", "http://x.org/#f"]
)
def test_a_malformed_public_url_is_refused_saying_why(url):
    with pytest.raises(ValueError, match="public URL"):
        reach.normalise(url)


def test_the_lan_address_is_found_without_traffic_and_is_never_a_loopback_one(monkeypatch):
    sent = []
    monkeypatch.setattr(reach.socket.socket, "send", lambda *a: sent.append(a))
    monkeypatch.setattr(reach.socket.socket, "sendto", lambda *a: sent.append(a))
    address = reach.lan_address()
    assert address is None or not reach.is_loopback(address)
    assert sent == []


def test_the_lan_address_is_none_when_the_machine_has_no_route(monkeypatch):
    def refuse(self, address):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(reach.socket.socket, "connect", refuse)
    assert reach.lan_address() is None


def _serve_args(*argv):
    parser = argparse.ArgumentParser()
    add_serve_command(parser.add_subparsers())
    return parser.parse_args(["serve", *argv])


def test_serve_lan_binds_every_interface_and_publishes_the_lan_address(monkeypatch, capsys):
    monkeypatch.setenv(reach.ENV, "")  # unset, and restored after the serve command sets it
    monkeypatch.setattr(reach, "lan_address", lambda: "192.168.1.20")
    args = _serve_args("--lan", "--port", "9000")
    _publish_address(args)
    assert args.host == "0.0.0.0"
    assert reach.os.environ[reach.ENV] == "http://192.168.1.20:9000/"
    assert "http://192.168.1.20:9000/" in capsys.readouterr().out


def test_serve_refuses_a_malformed_public_url_with_a_clear_message(monkeypatch):
    monkeypatch.setenv(reach.ENV, "")
    with pytest.raises(SystemExit, match="public URL is http"):
        _publish_address(_serve_args("--public-url", "pg.example.edu"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("LIVE_DB", str(tmp_path_factory.mktemp("live") / "live.sqlite3"))
    mp.delenv("REDIS_URL", raising=False)
    app = create_app()
    mp.undo()
    return app.server.test_client()


def test_a_live_session_links_to_the_public_url_without_a_warning(client, monkeypatch):
    monkeypatch.setenv(reach.ENV, "https://pg.example.edu:8443")
    s = client.post("/live/api/sessions", json={"query": "surface=ravine"}).json
    assert s["student"] == f"https://pg.example.edu:8443/live/{s['code']}"
    assert s["lecturer"].startswith(s["student"] + "#lead=")
    assert s["warning"] == ""


def test_a_live_session_on_a_loopback_address_warns_that_no_phone_can_open_it(client, monkeypatch):
    monkeypatch.delenv(reach.ENV, raising=False)
    s = client.post(
        "/live/api/sessions", json={"query": "surface=ravine"}, base_url="http://127.0.0.1:8050"
    ).json
    assert s["student"].startswith("http://127.0.0.1:8050/live/")
    assert s["warning"] == reach.LOOPBACK_WARNING
